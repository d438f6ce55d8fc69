package io.roomcast.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4), hand-written for the tests: it fails
 * with the line's number on anything a scraper could misread. Every sample belongs to a family whose
 * {@code # TYPE} came before it (once per family); metric and label names are valid; a label appears once
 * per sample and a sample (name and labels) once per text; values are numbers, {@code NaN} or
 * {@code +/-Inf}; counters are not negative; each histogram series has ascending {@code le} buckets ending
 * at {@code +Inf}, cumulative counts, and {@code _count} equal to its {@code +Inf} bucket, and a {@code _sum}.
 */
public final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its full name ({@code x_bucket} for a histogram's bucket), labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {

        /** The labels without those named. */
        public Map<String, String> labelsWithout(Set<String> names) {
            Map<String, String> kept = new TreeMap<>(labels);
            kept.keySet().removeAll(names);
            return kept;
        }
    }

    /** A metric family: its name as in {@code # TYPE}, its type, help and samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {

        /** The one sample of this name whose labels, less those in {@code ignored}, are {@code labels}. */
        public double value(String sampleName, Map<String, String> labels, Set<String> ignored) {
            List<Sample> found = samples.stream().filter(s -> s.name().equals(sampleName)
                    && s.labelsWithout(ignored).equals(new TreeMap<>(labels))).toList();
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " samples " + sampleName + labels + " in " + name);
            }
            return found.get(0).value();
        }
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    public Map<String, Family> families() {
        return Collections.unmodifiableMap(families);
    }

    /** The family of this name, or an error naming the families there are. */
    public Family family(String name) {
        Family family = families.get(name);
        if (family == null) {
            throw new AssertionError("no metric family " + name + "; there are " + families.keySet());
        }
        return family;
    }

    public static PrometheusText parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Set<String> seenSamples = new HashSet<>();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text does not end with a line feed");
        }
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int number = n + 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    comment(line, families, helps);
                } else {
                    Sample sample = sample(line);
                    Family family = familyOf(sample.name(), families);
                    if (family == null) {
                        throw new IllegalArgumentException("sample " + sample.name() + " before its # TYPE");
                    }
                    if (!seenSamples.add(sample.name() + new TreeMap<>(sample.labels()))) {
                        throw new IllegalArgumentException("sample " + sample.name() + sample.labels() + " twice");
                    }
                    if (family.type().equals("counter") && !(sample.value() >= 0)) {
                        throw new IllegalArgumentException("counter " + sample.name() + " is " + sample.value());
                    }
                    family.samples().add(sample);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + " \"" + line + "\": " + e.getMessage(), e);
            }
        }
        Map<String, Family> withHelp = new LinkedHashMap<>();
        for (Family family : families.values()) {
            if (family.type().equals("histogram")) {
                checkHistogram(family);
            }
            withHelp.put(family.name(), new Family(family.name(), family.type(), helps.get(family.name()),
                    List.copyOf(family.samples())));
        }
        return new PrometheusText(withHelp);
    }

    private static void comment(String line, Map<String, Family> families, Map<String, String> helps) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("TYPE") || parts[1].equals("HELP"))) {
            return; // a plain comment
        }
        String name = parts[2];
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name " + name);
        }
        if (parts[1].equals("HELP")) {
            if (helps.put(name, parts.length == 4 ? parts[3] : "") != null) {
                throw new IllegalArgumentException("a second # HELP for " + name);
            }
            return;
        }
        if (parts.length != 4 || !TYPES.contains(parts[3])) {
            throw new IllegalArgumentException("# TYPE needs one of " + TYPES);
        }
        Family existing = families.get(name);
        if (existing != null) {
            throw new IllegalArgumentException("a second # TYPE for " + name
                    + (existing.samples().isEmpty() ? "" : ", after its samples"));
        }
        families.put(name, new Family(name, parts[3], null, new ArrayList<>()));
    }

    /** The family a sample belongs to: its own name, or a histogram's or summary's with the sample's suffix. */
    private static Family familyOf(String sampleName, Map<String, Family> families) {
        Family own = families.get(sampleName);
        if (own != null) {
            return own.type().equals("histogram") ? null : own;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (sampleName.endsWith(suffix)) {
                Family family = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (family != null && (family.type().equals("histogram")
                        || family.type().equals("summary") && !suffix.equals("_bucket"))) {
                    return family;
                }
            }
        }
        return null;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name " + name);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no value");
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("expected a value and at most a timestamp");
        }
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid timestamp " + rest[1]);
            }
        }
        return new Sample(name, labels, value(rest[0]));
    }

    /** Reads {@code a="x",b="y"}} from {@code start}; returns the index after the closing brace. */
    private static int labels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("unterminated labels");
            }
            String label = line.substring(i, eq);
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("invalid label name " + label);
            }
            if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("label " + label + " has no quoted value");
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (true) {
                if (j >= line.length()) {
                    throw new IllegalArgumentException("unterminated value of label " + label);
                }
                char c = line.charAt(j);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char escaped = j + 1 < line.length() ? line.charAt(j + 1) : 0;
                    switch (escaped) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new IllegalArgumentException("invalid escape in label " + label);
                    }
                    j += 2;
                } else {
                    value.append(c);
                    j++;
                }
            }
            if (labels.put(label, value.toString()) != null) {
                throw new IllegalArgumentException("label " + label + " twice");
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw new IllegalArgumentException("expected , or } after label " + label);
            }
        }
    }

    private static double value(String text) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new IllegalArgumentException("invalid value " + text);
                }
                return Double.parseDouble(text);
        }
    }

    private static void checkHistogram(Family family) {
        String name = family.name();
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        Set<Map<String, String>> sums = new HashSet<>();
        for (Sample sample : family.samples()) {
            Map<String, String> series = sample.labelsWithout(Set.of("le"));
            if (sample.name().equals(name + "_bucket")) {
                if (!sample.labels().containsKey("le")) {
                    throw new IllegalArgumentException(name + ": a bucket without le");
                }
                buckets.computeIfAbsent(series, s -> new ArrayList<>()).add(sample);
            } else if (sample.labels().containsKey("le")) {
                throw new IllegalArgumentException(name + ": le on " + sample.name());
            } else if (sample.name().equals(name + "_count")) {
                counts.put(series, sample.value());
            } else {
                sums.add(series);
            }
        }
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException(name + ": a histogram without buckets");
        }
        for (Map.Entry<Map<String, String>, List<Sample>> series : buckets.entrySet()) {
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample bucket : series.getValue()) {
                double bound = value(bucket.labels().get("le"));
                if (!(bound > previousBound)) {
                    throw new IllegalArgumentException(name + series.getKey() + ": le " + bucket.labels().get("le")
                            + " does not ascend");
                }
                if (bucket.value() < previousCount) {
                    throw new IllegalArgumentException(name + series.getKey() + ": bucket le="
                            + bucket.labels().get("le") + " counts less than the one before: not cumulative");
                }
                previousBound = bound;
                previousCount = bucket.value();
            }
            if (previousBound != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(name + series.getKey() + ": no le=\"+Inf\" bucket last");
            }
            Double count = counts.get(series.getKey());
            if (count == null || count != previousCount) {
                throw new IllegalArgumentException(name + series.getKey() + ": _count " + count
                        + " is not the +Inf bucket's " + previousCount);
            }
            if (!sums.contains(series.getKey())) {
                throw new IllegalArgumentException(name + series.getKey() + ": no _sum");
            }
        }
    }
}
