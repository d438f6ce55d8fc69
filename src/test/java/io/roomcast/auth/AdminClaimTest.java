package io.roomcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.scheduling.ApplicationScheduler;
import io.roomcast.testsupport.TestTokens;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admin claim, {@code "roomcast_admin": true} (PROTOCOL 3.5): who gets it, and what else is refused. */
class AdminClaimTest {

    private final TokenVerifier verifier = TokenVerifierTest.verifier(Map.of("roomcast.jwt.secret", TestTokens.SECRET));

    @Test
    void aTokenWithRoomcastAdminTrueIsAnAdmins() throws Exception {
        assertThat(verifier.verify(TestTokens.admin("root")).admin()).isTrue();
    }

    @Test
    void aTokenWithoutTheClaimOrWithFalseIsNot() throws Exception {
        assertThat(verifier.verify(TestTokens.valid("alice")).admin()).isFalse();
        assertThat(verifier.verify(TestTokens.with("alice", c -> c.claim("roomcast_admin", false))).admin()).isFalse();
    }

    @Test
    void aClaimThatIsNotABooleanMakesTheTokenInvalid() {
        for (Object claim : new Object[] {"true", 1, java.util.List.of(true)}) {
            assertThatThrownBy(() -> verifier.verify(TestTokens.with("alice", c -> c.claim("roomcast_admin", claim))))
                    .as("roomcast_admin: %s", claim)
                    .isInstanceOf(InvalidTokenException.class).hasMessageContaining("roomcast_admin");
        }
    }

    @Test
    void devModeIssuesAnAdminTokenOnlyWhenAsked() throws Exception {
        RoomcastSettings settings = RoomcastSettings.from(k -> Optional.ofNullable(Map.of("roomcast.dev-mode", "true").get(k)));
        JwtKeys keys = new JwtKeys();
        keys.settings = settings;
        keys.scheduler = new ApplicationScheduler();
        keys.load();
        DevTokenIssuer issuer = new DevTokenIssuer(settings, keys);
        TokenVerifier devVerifier = new TokenVerifier(settings, keys);

        String admin = issuer.issue("ops", null, null, true, Instant.now()).orElseThrow();
        String plain = issuer.issue("alice", null, null, Instant.now()).orElseThrow();

        OctetSequenceKey key = keys.devSigningKey().orElseThrow();
        assertThat(SignedJWT.parse(admin).verify(new MACVerifier(key))).isTrue();
        assertThat(SignedJWT.parse(admin).getJWTClaimsSet().getBooleanClaim("roomcast_admin")).isTrue();
        assertThat(devVerifier.verify(admin).admin()).isTrue();
        assertThat(SignedJWT.parse(plain).getJWTClaimsSet().getClaim("roomcast_admin")).isNull();
        assertThat(devVerifier.verify(plain).admin()).isFalse();
    }

    @Test
    void withDevModeOffNoAdminTokenIsIssued() {
        RoomcastSettings settings = RoomcastSettings.from(k -> Optional.ofNullable(Map.of("roomcast.jwt.secret", TestTokens.SECRET).get(k)));
        JwtKeys keys = new JwtKeys();
        keys.settings = settings;
        keys.scheduler = new ApplicationScheduler();
        keys.load();

        assertThat(new DevTokenIssuer(settings, keys).issue("ops", null, null, true, Instant.now())).isEmpty();
    }
}
