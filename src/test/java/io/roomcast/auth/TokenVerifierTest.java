package io.roomcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.testsupport.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class TokenVerifierTest {

    static final KeyPair RSA = generate("RSA", null);
    static final KeyPair EC = generate("EC", new ECGenParameterSpec("secp256r1"));

    public static KeyPair generate(String algorithm, ECGenParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                generator.initialize(spec);
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    public static TokenVerifier verifier(Map<String, String> values) {
        return verifier(values, new ApplicationScheduler()); // no lane is made without roomcast.jwt.jwks
    }

    /** With {@code roomcast.jwt.jwks}, the refreshes run in the given scheduler's lane; the caller closes it. */
    public static TokenVerifier verifier(Map<String, String> values, ApplicationScheduler scheduler) {
        RoomcastSettings settings = RoomcastSettings.from(k -> Optional.ofNullable(values.get(k)));
        JwtKeys keys = new JwtKeys();
        keys.settings = settings;
        keys.scheduler = scheduler;
        keys.load();
        return new TokenVerifier(settings, keys);
    }

    private final TokenVerifier hs = verifier(Map.of("roomcast.jwt.secret", TestTokens.SECRET));
    private final TokenVerifier rsa = verifier(Map.of("roomcast.jwt.public-key", pem(RSA)));

    @Test
    void aValidHs256TokenGivesItsUserAndRooms() throws Exception {
        assertThat(hs.verify(TestTokens.valid("alice"))).extracting(VerifiedToken::user, VerifiedToken::rooms, VerifiedToken::clients)
                .containsExactly("alice", null, null);
        assertThat(hs.verify(TestTokens.forRooms("bob", List.of(7, 9))).rooms()).containsExactlyInAnyOrder(7, 9);
    }

    @Test
    void rs256AndEs256TokensVerifyWithThePublicKey() throws Exception {
        JWTClaimsSet claims = TestTokens.claims("carol", Duration.ofMinutes(5)).build();
        String token = TestTokens.sign(new JWSHeader(JWSAlgorithm.RS256), claims, new RSASSASigner(RSA.getPrivate()));
        assertThat(rsa.verify(token).user()).isEqualTo("carol");

        TokenVerifier ec = verifier(Map.of("roomcast.jwt.public-key", pem(EC)));
        String ecToken = TestTokens.sign(new JWSHeader(JWSAlgorithm.ES256), claims,
                new ECDSASigner((java.security.interfaces.ECPrivateKey) EC.getPrivate()));
        assertThat(ec.verify(ecToken).user()).isEqualTo("carol");
    }

    @Test
    void algNoneIsRefused() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode("{\"sub\":\"mallory\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}").toString();
        assertThatThrownBy(() -> hs.verify(header + "." + payload + ".")).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> rsa.verify(header + "." + payload + ".")).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void anHs256TokenSignedWithThePublicKeyIsRefused() {
        JWTClaimsSet claims = TestTokens.claims("mallory", Duration.ofMinutes(5)).build();
        String confused = TestTokens.sign(new JWSHeader(JWSAlgorithm.HS256), claims, pem(RSA).getBytes(StandardCharsets.UTF_8));
        String confusedDer = TestTokens.sign(new JWSHeader(JWSAlgorithm.HS256), claims, RSA.getPublic().getEncoded());
        assertThatThrownBy(() -> rsa.verify(confused)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> rsa.verify(confusedDer)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aBadSignatureIsRefused() {
        String other = TestTokens.sign(new JWSHeader(JWSAlgorithm.HS256), TestTokens.claims("eve", Duration.ofMinutes(5)).build(),
                "another-secret-that-is-long-enough-000000".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> hs.verify(other)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void expiredAndNotYetValidTokensAreRefusedBeyondTheClockSkew() throws Exception {
        Date now = new Date();
        String expired = TestTokens.with("dave", c -> c.expirationTime(new Date(now.getTime() - 60_000)));
        String recentlyExpired = TestTokens.with("dave", c -> c.expirationTime(new Date(now.getTime() - 10_000)));
        String future = TestTokens.with("dave", c -> c.notBeforeTime(new Date(now.getTime() + 60_000)));
        assertThatThrownBy(() -> hs.verify(expired)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> hs.verify(future)).isInstanceOf(InvalidTokenException.class);
        assertThat(hs.verify(recentlyExpired).user()).isEqualTo("dave"); // within the 30 s skew
    }

    @Test
    void subAndExpAreRequired() {
        String noExp = TestTokens.hs256(new JWTClaimsSet.Builder().subject("x").build());
        String noSub = TestTokens.hs256(new JWTClaimsSet.Builder().expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
        assertThatThrownBy(() -> hs.verify(noExp)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> hs.verify(noSub)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.jwt.issuer", "https://issuer.example", "roomcast.jwt.audience", "roomcast"));
        TokenVerifier strict = verifier(values);
        String right = TestTokens.with("erin", c -> c.issuer("https://issuer.example").audience("roomcast"));
        assertThat(hs.verify(right).user()).isEqualTo("erin"); // without configuration, iss and aud are not checked
        String wrongIssuer = TestTokens.with("erin", c -> c.issuer("https://other.example").audience("roomcast"));
        String wrongAudience = TestTokens.with("erin", c -> c.issuer("https://issuer.example").audience("other"));
        assertThat(strict.verify(right).user()).isEqualTo("erin");
        assertThatThrownBy(() -> strict.verify(wrongIssuer)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> strict.verify(wrongAudience)).isInstanceOf(InvalidTokenException.class);
        String noIssuer = TestTokens.with("erin", c -> c.issuer(null).audience("roomcast"));
        assertThatThrownBy(() -> strict.verify(noIssuer)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void malformedTokensAndUnknownKeyIdsAreRefused() {
        for (String bad : List.of("", "abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", TestTokens.valid("x") + "x")) {
            assertThatThrownBy(() -> hs.verify(bad)).isInstanceOf(InvalidTokenException.class);
        }
        String unknownKid = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("someone-else").type(JOSEObjectType.JWT).build(),
                TestTokens.claims("frank", Duration.ofMinutes(5)).build(), TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> hs.verify(unknownKid)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aRoomsClaimThatIsNotAListOfRoomIdsIsRefused() {
        assertThatThrownBy(() -> hs.verify(TestTokens.with("g", c -> c.claim("rooms", "7"))))
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> hs.verify(TestTokens.with("g", c -> c.claim("rooms", List.of(0)))))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void withoutAnyKeyEveryTokenIsRefused() {
        TokenVerifier none = verifier(Map.of());
        assertThatThrownBy(() -> none.verify(TestTokens.valid("alice"))).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aShortSecretIsAConfigurationError() {
        assertThatThrownBy(() -> verifier(Map.of("roomcast.jwt.secret", "short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void tokensLongerThan8192CharactersAreRefusedBeforeParsing() throws Exception {
        String justFits = TestTokens.with("ivy", c -> c.claim("pad", "x".repeat(5900)));
        assertThat(justFits.length()).isLessThanOrEqualTo(TokenVerifier.MAX_TOKEN_CHARS);
        assertThat(hs.verify(justFits).user()).isEqualTo("ivy");
        String tooLong = TestTokens.with("ivy", c -> c.claim("pad", "x".repeat(6200)));
        assertThat(tooLong.length()).isGreaterThan(TokenVerifier.MAX_TOKEN_CHARS);
        assertThatThrownBy(() -> hs.verify(tooLong)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("8192");
        assertThatThrownBy(() -> hs.verify("x".repeat(1_000_000))).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("8192");
    }

    @Test
    void aSubThatLooksLikeAGuestNameIsRefused() throws Exception {
        assertThatThrownBy(() -> hs.verify(TestTokens.valid("guest-1"))).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("guest-");
        assertThatThrownBy(() -> hs.verify(TestTokens.valid("Guest-7"))).isInstanceOf(InvalidTokenException.class);
        assertThat(hs.verify(TestTokens.valid("guesthouse")).user()).isEqualTo("guesthouse");
        assertThat(hs.verify(TestTokens.valid("my-guest-1")).user()).isEqualTo("my-guest-1");
    }

    @Test
    void aSubOver256CharactersOrHoldingAControlCharacterIsRefused() throws Exception {
        String longest = "s".repeat(255) + "\uD83C\uDF89"; // 256 characters, the last one outside the BMP
        assertThat(hs.verify(TestTokens.valid(longest)).user()).isEqualTo(longest);
        assertThat(hs.verify(TestTokens.valid("Zoë Ünal-山田")).user()).isEqualTo("Zoë Ünal-山田");
        assertThatThrownBy(() -> hs.verify(TestTokens.valid("s".repeat(257)))).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("256");
        for (String sub : new String[] {"alice\n[INFO] admin", "tab\there", "nul\u0000", "esc\u001b[31m", "del\u007f", "c1\u0085"}) {
            assertThatThrownBy(() -> hs.verify(TestTokens.valid(sub))).as(sub).isInstanceOf(InvalidTokenException.class)
                    .hasMessageContaining("control");
        }
    }

    @Test
    void accessTokensTypedAtJwtAreAcceptedAndOtherTypesRefused() throws Exception {
        JWTClaimsSet claims = TestTokens.claims("jay", Duration.ofMinutes(5)).build();
        byte[] secret = TestTokens.SECRET.getBytes(StandardCharsets.UTF_8);
        String atJwt = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build(), claims, secret);
        String other = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("logout+jwt")).build(), claims, secret);
        assertThat(hs.verify(atJwt).user()).isEqualTo("jay");
        assertThatThrownBy(() -> hs.verify(other)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void theClientsClaimIsReadAndMustHoldClientIds() throws Exception {
        assertThat(hs.verify(TestTokens.forClients("kim", List.of(42, 43))).clients()).containsExactlyInAnyOrder(42, 43);
        assertThatThrownBy(() -> hs.verify(TestTokens.with("kim", c -> c.claim("clients", List.of(-1)))))
                .isInstanceOf(InvalidTokenException.class);
    }

    // --- dev tokens (PROTOCOL 8: a key of their own) ---

    @Test
    void inDevModeDevTokensVerifyAndAreSignedWithTheDevKeyAlone() throws Exception {
        TokenVerifier dev = verifier(Map.of("roomcast.dev-mode", "true"));
        DevTokenIssuer issuer = new DevTokenIssuer(dev.settings, dev.keys);
        String token = issuer.issue("lea", List.of(7), List.of(42), Instant.now()).orElseThrow();

        VerifiedToken verified = dev.verify(token);
        assertThat(verified.user()).isEqualTo("lea");
        assertThat(verified.rooms()).containsExactly(7);
        assertThat(verified.clients()).containsExactly(42);
        // A production server (its secret) does not accept it, and the dev server no token of the secret.
        assertThatThrownBy(() -> hs.verify(token)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> dev.verify(TestTokens.valid("production"))).isInstanceOf(InvalidTokenException.class);
        SignedJWT parsed = SignedJWT.parse(token);
        assertThat(parsed.verify(new MACVerifier(TestTokens.SECRET))).isFalse();
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(dev.keys.devSigningKey().orElseThrow().getKeyID());
    }

    @Test
    void devModeRefusesToStartWithAProductionKeyConfigured() {
        Map<String, String> productionKeys = Map.of("roomcast.jwt.secret", TestTokens.SECRET,
                "roomcast.jwt.public-key", pem(RSA), "roomcast.jwt.jwks", "https://idp.example/jwks.json");
        for (Map.Entry<String, String> key : productionKeys.entrySet()) {
            Map<String, String> values = Map.of("roomcast.dev-mode", "true", key.getKey(), key.getValue());
            assertThatThrownBy(() -> verifier(values)).as(key.getKey()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("roomcast.dev-mode=true refuses to start").hasMessageContaining(key.getKey())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.getValue()));
        }
    }

    @Test
    void withDevModeOffThereIsNoDevKeyAndNoDevToken() {
        assertThat(hs.keys.devSigningKey()).isEmpty();
        DevTokenIssuer issuer = new DevTokenIssuer(hs.settings, hs.keys);
        assertThat(issuer.issue("lea", null, null, Instant.now())).isEmpty();
    }

    @Test
    void everyStartMakesADifferentDevKeySoDevTokensDieWithTheServer() throws Exception {
        Map<String, String> values = Map.of("roomcast.dev-mode", "true");
        TokenVerifier first = verifier(values);
        TokenVerifier second = verifier(values);
        DevTokenIssuer issuer = new DevTokenIssuer(first.settings, first.keys);
        String token = issuer.issue("max", null, null, Instant.now()).orElseThrow();
        assertThat(first.verify(token).user()).isEqualTo("max");
        assertThatThrownBy(() -> second.verify(token)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void invalidTokenMessagesNeverContainTheToken() {
        String token = TestTokens.with("h", c -> c.expirationTime(new Date(0)));
        assertThatThrownBy(() -> hs.verify(token)).satisfies(e -> assertThat(e.getMessage()).doesNotContain(token)
                .doesNotContain(token.split("\\.")[1]));
        assertThat(Set.of()).isEmpty();
    }
}
