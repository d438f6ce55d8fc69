package io.roomcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.roomcast.testsupport.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import io.roomcast.scheduling.ApplicationScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code roomcast.jwt.jwks}: keys chosen by kid, rotation by refresh, and what a failed refresh does. */
class JwksKeysTest {

    static final RSAKey RSA = generate(() -> new RSAKeyGenerator(2048).keyID("rsa-1").algorithm(JWSAlgorithm.RS256).generate());
    static final ECKey EC = generate(() -> new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate()); // no alg: by its curve
    static final RSAKey ROTATED = generate(() -> new RSAKeyGenerator(2048).keyID("rsa-2").generate());

    interface KeyMaker<K> {
        K make() throws Exception;
    }

    static <K> K generate(KeyMaker<K> maker) {
        try {
            return maker.make();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path dir;
    private final List<TokenVerifier> started = new ArrayList<>();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger(JwksKeys.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final ApplicationScheduler scheduler = new ApplicationScheduler();

    @AfterEach
    void stop() {
        started.forEach(v -> v.keys.stop());
        scheduler.close();
        refreshThread.shutdownNow();
        log.removeHandler(capture);
    }

    static String sign(JWK key, String kid, String user) {
        try {
            JWSHeader.Builder header = new JWSHeader.Builder(key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256);
            if (kid != null) {
                header.keyID(kid);
            }
            return TestTokens.sign(header.build(), TestTokens.claims(user, Duration.ofMinutes(5)).build(),
                    key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(((RSAKey) key).toPrivateKey(), true)); // weak keys too
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS document of the keys. */
    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toString(true);
    }

    private Path write(String document) throws IOException {
        return Files.writeString(dir.resolve("jwks.json"), document);
    }

    private TokenVerifier verifier(Path jwks, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(extra);
        values.put("roomcast.jwt.jwks", jwks.toString());
        TokenVerifier verifier = TokenVerifierTest.verifier(values, scheduler);
        started.add(verifier);
        return verifier;
    }

    private TokenVerifier verifier(Path jwks) {
        return verifier(jwks, Map.of());
    }

    @Test
    void rs256AndEs256TokensVerifyWithTheKeyTheirKidNames() throws Exception {
        TokenVerifier verifier = verifier(write(jwks(RSA, EC)));
        assertThat(verifier.verify(sign(RSA, "rsa-1", "rita")).user()).isEqualTo("rita");
        assertThat(verifier.verify(sign(EC, "ec-1", "eric")).user()).isEqualTo("eric");
    }

    @Test
    void anUnknownKidOrAKidOfAnotherKeyIsRefused() throws Exception {
        TokenVerifier verifier = verifier(write(jwks(RSA, EC)));
        assertThatThrownBy(() -> verifier.verify(sign(RSA, "rsa-9", "rita"))).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> verifier.verify(sign(EC, "rsa-1", "eric"))).isInstanceOf(InvalidTokenException.class);
        // The RFC 7638 thumbprint does not name a JWKS key that has a kid of its own.
        String thumbprint = RSA.computeThumbprint().toString();
        assertThatThrownBy(() -> verifier.verify(sign(RSA, thumbprint, "rita"))).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aTokenWithoutKidIsTriedWithEveryKeyOfItsAlgorithm() throws Exception {
        TokenVerifier verifier = verifier(write(jwks(ROTATED, RSA, EC)));
        assertThat(verifier.verify(sign(RSA, null, "rita")).user()).isEqualTo("rita");
        assertThat(verifier.verify(sign(EC, null, "eric")).user()).isEqualTo("eric");
    }

    @Test
    void aJwksKeyWithoutKidIsNamedByItsThumbprint() throws Exception {
        ECKey anonymous = new ECKeyGenerator(Curve.P_256).generate();
        TokenVerifier verifier = verifier(write(jwks(anonymous)));
        assertThat(verifier.verify(sign(anonymous, anonymous.computeThumbprint().toString(), "nia")).user()).isEqualTo("nia");
        assertThatThrownBy(() -> verifier.verify(sign(anonymous, "other", "nia"))).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void jwksKeysWorkAlongsideTheSecret() throws Exception {
        TokenVerifier verifier = verifier(write(jwks(RSA)), Map.of("roomcast.jwt.secret", TestTokens.SECRET));
        assertThat(verifier.verify(TestTokens.valid("sam")).user()).isEqualTo("sam");
        assertThat(verifier.verify(sign(RSA, "rsa-1", "rita")).user()).isEqualTo("rita");
    }

    @Test
    void keysNotForVerifyingSignaturesAreIgnored() throws Exception {
        RSAKey encryption = new RSAKeyGenerator(2048).keyID("enc-1").keyUse(KeyUse.ENCRYPTION).generate();
        RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak-1").generate();
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("oct-1").algorithm(JWSAlgorithm.HS256).generate();
        RSAKey wrongAlg = new RSAKeyGenerator(2048).keyID("es-1").algorithm(JWSAlgorithm.ES256).generate();
        TokenVerifier verifier = verifier(write(new JWKSet(List.of(encryption, weak, secret, wrongAlg, EC)).toString(false)));
        for (RSAKey key : List.of(encryption, weak, wrongAlg)) {
            assertThatThrownBy(() -> verifier.verify(sign(key, key.getKeyID(), "x"))).as(key.getKeyID())
                    .isInstanceOf(InvalidTokenException.class);
        }
        String hs = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("oct-1").build(),
                TestTokens.claims("x", Duration.ofMinutes(5)).build(), secret.toByteArray());
        assertThatThrownBy(() -> verifier.verify(hs)).isInstanceOf(InvalidTokenException.class);
        assertThat(verifier.verify(sign(EC, "ec-1", "eric")).user()).isEqualTo("eric");
    }

    @Test
    void aRefreshReplacesTheKeysSoARotatedAwayKeyStopsVerifying() throws Exception {
        Path file = write(jwks(RSA));
        TokenVerifier verifier = verifier(file);
        Files.writeString(file, jwks(ROTATED));
        assertThat(verifier.keys.keysFor(JWSAlgorithm.RS256, "rsa-1")).hasSize(1); // not before the refresh
        assertThat(jwksOf(verifier).refresh()).isTrue();
        assertThat(verifier.verify(sign(ROTATED, "rsa-2", "rita")).user()).isEqualTo("rita");
        assertThatThrownBy(() -> verifier.verify(sign(RSA, "rsa-1", "rita"))).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void theRefreshRunsByItselfAtTheInterval() throws Exception {
        Path file = write(jwks(RSA));
        JwksKeys keys = JwksKeys.of(file.toString());
        assertThat(keys.refresh()).isTrue();
        keys.start(Duration.ofMillis(50), scheduler.lane("jwks-refresh"));
        try {
            Files.writeString(file, jwks(ROTATED));
            await().atMost(Duration.ofSeconds(10)).until(() -> keys.keys().stream().map(VerificationKey::kid).toList(),
                    kids -> kids.equals(List.of("rsa-2")));
        } finally {
            keys.stop();
        }
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodKeysAndWarnsOncePerStreakWithoutKeyMaterial() throws Exception {
        log.addHandler(capture);
        Path file = write(jwks(RSA));
        TokenVerifier verifier = verifier(file);
        JwksKeys jwks = jwksOf(verifier);
        String document = jwks(RSA);
        String modulus = RSA.getModulus().toString();

        Files.writeString(file, document.substring(0, document.length() / 2)); // truncated mid-key
        assertThat(jwks.refresh()).isFalse();
        Files.delete(file);
        assertThat(jwks.refresh()).isFalse();
        Files.writeString(file, "x".repeat(JwksKeys.MAX_BYTES + 1));
        assertThat(jwks.refresh()).isFalse();
        assertThat(verifier.verify(sign(RSA, "rsa-1", "rita")).user()).isEqualTo("rita");
        assertThat(warnings()).hasSize(1);

        Files.writeString(file, jwks(RSA));
        assertThat(jwks.refresh()).isTrue();
        Files.writeString(file, "{}");
        assertThat(jwks.refresh()).isFalse();
        assertThat(warnings()).hasSize(2);
        synchronized (logged) {
            assertThat(logged).allSatisfy(r -> assertThat(MessageFormat.format(r.getMessage(), r.getParameters()))
                    .doesNotContain(modulus.substring(0, 20)).doesNotContain(modulus.substring(modulus.length() - 20)));
        }
    }

    @Test
    void aFirstLoadThatFailsLeavesNoJwksKeysButTheOthersWork() throws Exception {
        TokenVerifier verifier = verifier(dir.resolve("missing.json"), Map.of("roomcast.jwt.secret", TestTokens.SECRET));
        assertThat(verifier.verify(TestTokens.valid("sam")).user()).isEqualTo("sam");
        assertThatThrownBy(() -> verifier.verify(sign(RSA, "rsa-1", "rita"))).isInstanceOf(InvalidTokenException.class);
        Files.writeString(dir.resolve("missing.json"), jwks(RSA));
        assertThat(jwksOf(verifier).refresh()).isTrue();
        assertThat(verifier.verify(sign(RSA, "rsa-1", "rita")).user()).isEqualTo("rita");
    }

    @Test
    void theSettingIsAnHttpsUrlALoopbackHttpUrlOrAFilePath() {
        assertThatThrownBy(() -> JwksKeys.of("ftp://idp.example/jwks.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("roomcast.jwt.jwks");
        assertThatThrownBy(() -> JwksKeys.of("https://")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwksKeys.of("http://idp.example/.well-known/jwks.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https");
        JwksKeys.of("https://idp.example/.well-known/jwks.json");
        JwksKeys.of("http://127.0.0.1:8180/realms/demo/protocol/openid-connect/certs");
        JwksKeys.of("http://localhost:8180/jwks.json");
        JwksKeys.of("/etc/roomcast/jwks.json");
        JwksKeys.of("file:///etc/roomcast/jwks.json");
    }

    // --- PROTOCOL 13.9: an unknown kid ---

    /** Fetches as "thread revalidate", serving {@code document}. */
    private final List<String> fetches = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> document = new AtomicReference<>(jwks(RSA));
    private final AtomicLong clock = new AtomicLong(1_000_000L);
    private final ScheduledExecutorService refreshThread = Executors.newSingleThreadScheduledExecutor(
            task -> new Thread(task, "jwks-test-refresh"));

    private JwksKeys started(JwksKeys.Fetcher fetcher) {
        JwksKeys keys = new JwksKeys("test", fetcher, clock::get);
        keys.start(Duration.ofHours(1), refreshThread);
        return keys;
    }

    private String recordedFetch(boolean revalidate) {
        fetches.add(Thread.currentThread().getName() + " " + revalidate);
        return document.get();
    }

    /** Waits until everything queued on the refresh thread so far has run (it runs tasks in order). */
    private void fence() throws Exception {
        refreshThread.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    private static List<String> kids(JwksKeys keys) {
        return keys.keys().stream().map(VerificationKey::kid).toList();
    }

    @Test
    void anUnknownKidTriggersAtMostOneRefetchPer30Seconds() throws Exception {
        JwksKeys keys = started(this::recordedFetch);
        try {
            assertThat(fetches).containsExactly("jwks-test-refresh false");
            document.set(jwks(ROTATED));
            keys.unknownKid("rsa-2");
            keys.unknownKid("rsa-3");
            clock.addAndGet(JwksKeys.KID_REFETCH_SPACING.toNanos() - 1);
            keys.unknownKid("rsa-4");
            fence();
            assertThat(fetches).containsExactly("jwks-test-refresh false", "jwks-test-refresh true");
            assertThat(kids(keys)).containsExactly("rsa-2");

            clock.addAndGet(1);
            keys.unknownKid("rsa-5");
            keys.unknownKid("rsa-6");
            fence();
            assertThat(fetches).hasSize(3).last().isEqualTo("jwks-test-refresh true");
        } finally {
            keys.stop();
        }
    }

    @Test
    void anUnknownKidNeitherFetchesOnTheCallersThreadNorWaitsForTheFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JwksKeys keys = started(revalidate -> {
            String served = recordedFetch(revalidate);
            if (revalidate) {
                try {
                    release.await(30, TimeUnit.SECONDS); // the provider answering slowly
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return served;
        });
        try {
            keys.unknownKid("rsa-9");
            assertThat(release.getCount()).as("unknownKid returned while its fetch is still held").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> fetches.contains("jwks-test-refresh true"));
            assertThat(fetches).noneMatch(f -> f.startsWith(Thread.currentThread().getName() + " "));
        } finally {
            release.countDown();
            keys.stop();
        }
    }

    @Test
    void onlyATokenWhoseKidNoKeyHasAndThatAJwksKeyCouldVerifyAsksForARefetch() throws Exception {
        log.addHandler(capture);
        Path file = write(jwks(RSA));
        TokenVerifier verifier = verifier(file, Map.of("roomcast.jwt.secret", TestTokens.SECRET));
        String secretKid = new OctetSequenceKey.Builder(TestTokens.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build().computeThumbprint().toString();
        // A known kid, no kid, an HS256 token (no JWKS key verifies those), the secret's own kid: no refetch.
        assertThat(verifier.verify(sign(RSA, "rsa-1", "rita")).user()).isEqualTo("rita");
        assertThatThrownBy(() -> verifier.verify(sign(ROTATED, null, "rita"))).isInstanceOf(InvalidTokenException.class);
        for (String kid : new String[] {"hs-unknown", secretKid}) {
            String hs = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                    TestTokens.claims("x", Duration.ofMinutes(5)).build(), "another-secret-of-32-bytes-at-least!".getBytes());
            assertThatThrownBy(() -> verifier.verify(hs)).isInstanceOf(InvalidTokenException.class);
        }
        assertThat(refetchLines()).isEmpty();

        // The provider rotated: the token is refused, and a later one is accepted once the refetch landed.
        Files.writeString(file, jwks(ROTATED));
        String rotated = sign(ROTATED, "rsa-2", "rita");
        assertThatThrownBy(() -> verifier.verify(rotated)).isInstanceOf(InvalidTokenException.class);
        assertThat(refetchLines()).hasSize(1).allSatisfy(line -> assertThat(line).contains("rsa-2"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> verifier.verify(rotated).user().equals("rita"));
    }

    @Test
    void anUnknownKidIsEscapedInTheLog() throws Exception {
        log.addHandler(capture);
        JwksKeys keys = started(this::recordedFetch);
        try {
            keys.unknownKid("kid\n[SEVERE] forged line\u202E");
            assertThat(refetchLines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("kid\\n[SEVERE] forged line\\u202E").doesNotContain("\n").doesNotContain("\u202E"));
        } finally {
            keys.stop();
        }
    }

    private List<String> refetchLines() {
        synchronized (logged) {
            return logged.stream().map(r -> MessageFormat.format(r.getMessage(), r.getParameters()))
                    .filter(m -> m.contains("fetching the document again")).toList();
        }
    }

    private List<LogRecord> warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        }
    }

    private static JwksKeys jwksOf(TokenVerifier verifier) {
        return verifier.keys.jwks();
    }
}
