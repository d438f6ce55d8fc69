package io.roomcast.auth;

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

/**
 * Signs short-lived HS256 tokens for dev mode, so the demo page and newcomers need no identity provider.
 * They are signed with the dev key only (never a production key), so they verify only on this server
 * while it runs in dev mode.
 */
@ApplicationScoped
public class DevTokenIssuer {

    public static final Duration LIFETIME = Duration.ofHours(12);

    private final RoomcastSettings settings;
    private final JwtKeys keys;

    @Inject
    public DevTokenIssuer(RoomcastSettings settings, JwtKeys keys) {
        this.settings = settings;
        this.keys = keys;
    }

    /** For the CDI client proxy only. */
    protected DevTokenIssuer() {
        this(null, null);
    }

    /**
     * A signed token for the user with the {@code rooms} and {@code clients} claims when given (null:
     * no claim), or empty when dev mode is off.
     */
    public Optional<String> issue(String user, List<Integer> rooms, List<Integer> clients, Instant now) {
        return issue(user, rooms, clients, false, now);
    }

    /**
     * As {@link #issue(String, List, List, Instant)}, with the admin claim ({@code "roomcast_admin": true})
     * when {@code admin}: dev mode lets anyone read the admin figures, as it lets anyone be anyone.
     */
    public Optional<String> issue(String user, List<Integer> rooms, List<Integer> clients, boolean admin, Instant now) {
        if (!settings.devMode() || keys.devSigningKey().isEmpty()) {
            return Optional.empty();
        }
        OctetSequenceKey key = keys.devSigningKey().get();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(user)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)));
        settings.jwtIssuer().ifPresent(claims::issuer);
        settings.jwtAudience().ifPresent(claims::audience);
        if (rooms != null) {
            claims.claim("rooms", rooms);
        }
        if (clients != null) {
            claims.claim("clients", clients);
        }
        if (admin) {
            claims.claim(VerifiedToken.ADMIN_CLAIM, true);
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
