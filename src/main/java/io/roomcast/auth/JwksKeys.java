package io.roomcast.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The keys of a JWKS document ({@code roomcast.jwt.jwks}: a file path or an http(s) URL), fetched at
 * start and again at a fixed interval, so an identity provider can rotate its keys. A fetch that fails
 * (unreachable, not JWKS, too large) keeps the last good keys and logs one warning per streak of
 * failures; a good fetch replaces the keys wholesale, so a key the provider dropped stops verifying.
 * Logs name the source (an URL without its query) and key ids, never key material.
 */
final class JwksKeys {

    private static final Logger LOG = System.getLogger(JwksKeys.class.getName());

    /** A JWKS document larger than this is refused: real ones are a few kilobytes. */
    static final int MAX_BYTES = 65_536;
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    /** RSA keys shorter than this are ignored: they no longer protect anything. */
    static final int MIN_RSA_BITS = 2048;

    /** Fetches the document's text. */
    @FunctionalInterface
    interface Fetcher {
        String fetch() throws IOException;
    }

    private final String source;
    private final Fetcher fetcher;
    /** Serialises fetches; held during a fetch, so never taken by {@link #stop()}. */
    private final Object refreshing = new Object();
    private volatile List<VerificationKey> keys = List.of();
    private List<String> lastKids;
    private boolean failing;
    private ScheduledExecutorService scheduler;

    JwksKeys(String source, Fetcher fetcher) {
        this.source = source;
        this.fetcher = fetcher;
    }

    /**
     * For the setting's value: an {@code http://} or {@code https://} URL, otherwise a file path (a
     * {@code file:} URI is accepted too).
     *
     * @throws IllegalArgumentException when the value is neither
     */
    static JwksKeys of(String setting) {
        String lower = setting.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                URI uri = new URI(setting);
                URL url = uri.toURL();
                DefaultResourceRetriever retriever = new DefaultResourceRetriever((int) FETCH_TIMEOUT.toMillis(),
                        (int) FETCH_TIMEOUT.toMillis(), MAX_BYTES);
                String described = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                        + (uri.getRawPath() == null ? "" : uri.getRawPath());
                return new JwksKeys(described, () -> retriever.retrieveResource(url).getContent());
            }
            if (lower.matches("[a-z][a-z0-9+.-]*://.*") && !lower.startsWith("file:")) {
                throw new IllegalArgumentException("unsupported scheme");
            }
            Path path = lower.startsWith("file:") ? Path.of(new URI(setting)) : Path.of(setting);
            return new JwksKeys(path.toString(), () -> read(path));
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("roomcast.jwt.jwks must be an http(s) URL or a file path: "
                    + e.getMessage(), e);
        }
    }

    private static String read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("larger than " + MAX_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The signing keys of the last good document (none before the first). */
    List<VerificationKey> keys() {
        return keys;
    }

    /** Fetches the document now; false when that failed and the previous keys stay. */
    boolean refresh() {
        synchronized (refreshing) {
            return fetchAndReplace();
        }
    }

    private boolean fetchAndReplace() {
        List<VerificationKey> loaded = new ArrayList<>();
        int ignored = 0;
        try {
            JWKSet set = JWKSet.parse(fetcher.fetch());
            for (JWK jwk : set.getKeys()) {
                Optional<VerificationKey> key = usable(jwk) ? VerificationKey.of(jwk.isPrivate() ? jwk.toPublicJWK() : jwk, false)
                        : Optional.empty();
                if (key.isPresent()) {
                    loaded.add(key.get());
                } else {
                    ignored++;
                }
            }
        } catch (IOException e) {
            failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return false;
        } catch (ParseException | JOSEException | RuntimeException e) {
            // The parser's message may quote the document: only its kind goes to the log.
            failed("not a JWKS document (" + e.getClass().getSimpleName() + ")");
            return false;
        }
        keys = List.copyOf(loaded);
        List<String> kids = loaded.stream().map(VerificationKey::kid).toList();
        if (failing || !kids.equals(lastKids)) {
            LOG.log(loaded.isEmpty() ? Level.WARNING : Level.INFO, "JWKS {0}: {1} signing key(s) {2}{3}",
                    source, loaded.size(), kids, ignored > 0 ? ", " + ignored + " key(s) ignored (not RSA of 2048+ bits or EC, or not for signing)" : "");
        }
        lastKids = kids;
        failing = false;
        return true;
    }

    /**
     * RSA keys of 2048 bits or more and EC keys. A JWKS is public: symmetric keys do not belong there
     * (secrets go in roomcast.jwt.secret).
     */
    private static boolean usable(JWK jwk) {
        return jwk instanceof RSAKey rsa ? rsa.size() >= MIN_RSA_BITS : jwk instanceof ECKey;
    }

    private void failed(String why) {
        if (!failing) {
            LOG.log(Level.WARNING, "JWKS {0} could not be loaded ({1}); keeping the {2} key(s) loaded before,"
                    + " retrying every refresh interval", source, why, keys.size());
        }
        failing = true;
    }

    /** Refreshes every interval on a thread of its own until {@link #stop()}. */
    synchronized void start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "roomcast-jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        // refresh() catches everything, so one bad fetch never cancels the schedule.
        scheduler.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
            scheduler = null;
        }
        if (running != null) {
            running.shutdownNow();
        }
    }
}
