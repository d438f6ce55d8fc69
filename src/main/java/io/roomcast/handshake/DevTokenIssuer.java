package io.roomcast.handshake;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roomcast.config.RoomcastSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/** Signs short-lived HS256 tokens for dev mode, so the demo page and newcomers need no identity provider. */
@ApplicationScoped
public class DevTokenIssuer {

    public static final Duration LIFETIME = Duration.ofHours(12);

    @Inject
    RoomcastSettings settings;
    @Inject
    JwtKeys keys;

    /** A signed token for the user, or empty when dev mode is off or there is no HS256 secret to sign with. */
    public Optional<String> issue(String user, List<Integer> rooms, Instant now) {
        if (!settings.devMode() || keys.signingSecret().isEmpty()) {
            return Optional.empty();
        }
        OctetSequenceKey key = keys.signingSecret().get();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(user)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)));
        settings.jwtIssuer().ifPresent(claims::issuer);
        settings.jwtAudience().ifPresent(claims::audience);
        if (rooms != null) {
            claims.claim("rooms", rooms);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new MACSigner(key));
            return Optional.of(jwt.serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token", e);
        }
    }
}
