package io.roomcast.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.roomcast.logging.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The keys of a JWKS document ({@code roomcast.jwt.jwks}: a file path or an https URL), fetched at
 * start and again at a fixed interval, so an identity provider can rotate its keys. A fetch that fails
 * (unreachable, not JWKS, too large, too slow, redirected elsewhere) keeps the last good keys and logs
 * one warning per streak of failures; a good fetch replaces the keys wholesale, so a key the provider
 * dropped stops verifying. A token naming a {@code kid} the keys lack asks for one fetch now, at most
 * once per {@link #KID_REFETCH_SPACING} (PROTOCOL 13.9). Every fetch runs on this class's own thread,
 * never on the caller's: a handshake only reads the keys of the last good fetch. Logs name the source
 * (an URL without its query) and key ids (escaped), never key material.
 */
final class JwksKeys {

    private static final Logger LOG = System.getLogger(JwksKeys.class.getName());

    /** PROTOCOL 13.9: a JWKS document larger than this is refused (real ones are a few kilobytes). */
    static final int MAX_BYTES = 1 << 20;
    /** PROTOCOL 13.9: one fetch, redirects included, ends within this. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    /** PROTOCOL 13.9: unknown kids trigger at most one fetch per this. */
    static final Duration KID_REFETCH_SPACING = Duration.ofSeconds(30);
    /** RSA keys shorter than this are ignored: they no longer protect anything. */
    static final int MIN_RSA_BITS = 2048;

    /** Fetches the document's text. */
    @FunctionalInterface
    interface Fetcher {
        /**
         * @param revalidate the fetch is for a {@code kid} we lack: caches on the way should not answer
         */
        String fetch(boolean revalidate) throws IOException;
    }

    private final String source;
    private final Fetcher fetcher;
    private final LongSupplier nanoClock;
    /** Serialises fetches; held during a fetch, so never taken by {@link #stop()}. */
    private final Object refreshing = new Object();
    private volatile List<VerificationKey> keys = List.of();
    private List<String> lastKids;
    private boolean failing;
    /** When an unknown kid may next trigger a fetch (nano clock). */
    private final AtomicLong nextKidRefetch;
    private volatile ScheduledExecutorService scheduler;
    private volatile Future<?> periodic;

    JwksKeys(String source, Fetcher fetcher, LongSupplier nanoClock) {
        this.source = source;
        this.fetcher = fetcher;
        this.nanoClock = nanoClock;
        this.nextKidRefetch = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * For the setting's value: an {@code https://} URL ({@code http://} for a loopback host only),
     * otherwise a file path (a {@code file:} URI is accepted too).
     *
     * @throws IllegalArgumentException when the value is none of these
     */
    static JwksKeys of(String setting) {
        String lower = setting.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                URI uri = new URI(setting);
                HttpJwksFetcher fetcher = HttpJwksFetcher.of(uri, FETCH_TIMEOUT, MAX_BYTES);
                return new JwksKeys(HttpJwksFetcher.describe(uri), fetcher, System::nanoTime);
            }
            if (lower.matches("[a-z][a-z0-9+.-]*://.*") && !lower.startsWith("file:")) {
                throw new IllegalArgumentException("unsupported scheme");
            }
            Path path = lower.startsWith("file:") ? Path.of(new URI(setting)) : Path.of(setting);
            return new JwksKeys(path.toString(), revalidate -> read(path), System::nanoTime);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("roomcast.jwt.jwks must be an https URL (http only for a loopback host)"
                    + " or a file path: " + e.getMessage(), e);
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

    /** Fetches the document now, on the caller's thread; false when that failed and the previous keys stay. */
    boolean refresh() {
        return refresh(false);
    }

    private boolean refresh(boolean revalidate) {
        synchronized (refreshing) {
            return fetchAndReplace(revalidate);
        }
    }

    /**
     * A token named this {@code kid} and no key has it: fetch the document again on the refresh thread,
     * unless an unknown kid already did within {@link #KID_REFETCH_SPACING}. Never waits: the token in
     * hand is refused, a later one finds the new keys.
     */
    void unknownKid(String kid) {
        ScheduledExecutorService running = scheduler;
        if (running == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        long allowedFrom = nextKidRefetch.get();
        if (now - allowedFrom < 0 || !nextKidRefetch.compareAndSet(allowedFrom, now + KID_REFETCH_SPACING.toNanos())) {
            return;
        }
        LOG.log(Level.INFO, "JWKS {0}: a token names kid \"{1}\", which no key has: fetching the document again"
                + " (at most once per {2} s)", source, LogText.escape(kid), KID_REFETCH_SPACING.toSeconds());
        try {
            running.execute(() -> refresh(true));
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private boolean fetchAndReplace(boolean revalidate) {
        List<VerificationKey> loaded = new ArrayList<>();
        int ignored = 0;
        try {
            JWKSet set = JWKSet.parse(fetcher.fetch(revalidate));
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
        // Kids come from the provider's document: escaped like anything a client sends.
        List<String> kids = loaded.stream().map(VerificationKey::kid).map(LogText::escape).toList();
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
                    + " retrying every refresh interval", source, LogText.escape(why), keys.size());
        }
        failing = true;
    }

    /**
     * Fetches the document once on the given thread and waits for that (at most the fetch timeout and a
     * little), then again every interval after the previous fetch ended, until {@link #stop()}. The
     * thread (the scheduler's lane {@code jwks-refresh}) is not this class's to shut down: {@link #stop()}
     * cancels the refreshes.
     */
    void start(Duration interval, ScheduledExecutorService thread) {
        scheduler = thread;
        Future<Boolean> first = thread.submit(() -> refresh(false));
        try {
            first.get(FETCH_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // refresh() logs its own failures; a late first fetch still lands before the schedule's
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long millis = interval.toMillis();
        // refresh() catches everything, so one bad fetch never cancels the schedule.
        periodic = thread.scheduleWithFixedDelay(() -> refresh(false), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** No more refreshes, periodic or for an unknown kid; a fetch under way finishes. */
    void stop() {
        scheduler = null;
        Future<?> running = periodic;
        if (running != null) {
            running.cancel(false);
        }
    }
}
