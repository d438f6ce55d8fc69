import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Execution samples of a JFR recording within a time window, counted by where they were: one line
 * per distinct (first frame not of the JDK, top frame, first Roomcast frame), tab-separated, with
 * its count first. Reads the file as a stream (a whole recording printed as JSON can be gigabytes).
 *
 *   java bench/lib/JfrSamples.java recording.jfr fromEpochMs toEpochMs
 *
 * Used by bench/profile.js, which charges each line to an owner.
 */
public class JfrSamples {

    static final Pattern JDK = Pattern.compile("^(java|javax|jdk|sun|com\\.sun\\.(?!enterprise|web))\\..*");

    public static void main(String[] args) throws Exception {
        Instant from = Instant.ofEpochMilli(Long.parseLong(args[1]));
        Instant to = Instant.ofEpochMilli(Long.parseLong(args[2]));
        Map<String, Integer> counts = new HashMap<>();
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!"jdk.ExecutionSample".equals(event.getEventType().getName())
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace() == null ? List.of() : event.getStackTrace().getFrames();
                counts.merge(key(frames), 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((key, n) -> out.append(n).append('\t').append(key).append('\n'));
        System.out.print(out);
    }

    /** The first frame that is not the JDK's (type, method), the top frame (type, method), and the
     *  first frame again as type.method when it is Roomcast's own code (else -). */
    static String key(List<RecordedFrame> frames) {
        String owner = "-\t-";
        String roomcast = "-";
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (!JDK.matcher(type).matches()) {
                owner = type + "\t" + frame.getMethod().getName();
                if (type.startsWith("io.roomcast.") && !type.contains("$Proxy$_$$_Weld")) {
                    roomcast = type + "." + frame.getMethod().getName();
                }
                break;
            }
        }
        String top = frames.isEmpty() ? "-\t-"
                : frames.get(0).getMethod().getType().getName() + "\t" + frames.get(0).getMethod().getName();
        return owner + "\t" + top + "\t" + roomcast;
    }
}
