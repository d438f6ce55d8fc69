package io.roomcast.handshake;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.protocol.ClientFrameDecoder;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies JWTs with nimbus-jose-jwt (PROTOCOL 2). Only the algorithms of the configured keys are
 * accepted, each with its own key, which rules out {@code alg: none} and algorithm confusion (an HS256
 * token "signed" with the RSA public key). {@code sub} and {@code exp} are required, {@code nbf} is
 * honoured, {@code iss} and {@code aud} are checked when configured, all with the configured clock skew.
 */
@ApplicationScoped
public class TokenVerifier {

    @Inject
    RoomcastSettings settings;
    @Inject
    JwtKeys keys;

    private ConfigurableJWTProcessor<SecurityContext> processor;

    @PostConstruct
    void init() {
        if (!keys.verificationKeys().isEmpty()) {
            processor = processor(keys.verificationKeys(), settings);
        }
    }

    // A mutable set: nimbus asks it whether it contains null, which Set.of() answers with an exception.
    static ConfigurableJWTProcessor<SecurityContext> processor(List<JWK> keys, RoomcastSettings settings) {
        Set<JWSAlgorithm> algorithms = keys.stream()
                .map(k -> JWSAlgorithm.parse(k.getAlgorithm().getName())).collect(Collectors.toSet());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(new JWKSet(keys))));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        settings.jwtIssuer().ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.jwtAudience().map(a -> new HashSet<>(List.of(a))).orElse(null), exact.build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew((int) settings.jwtClockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    public VerifiedToken verify(String token) throws InvalidTokenException {
        if (processor == null) {
            throw new InvalidTokenException("no verification key configured");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (Exception e) {
            // nimbus messages describe the failure (expired, bad signature, ...) without echoing the token
            throw new InvalidTokenException(e.getMessage());
        }
        String user = claims.getSubject();
        if (user == null || user.isBlank() || user.length() > 128) {
            throw new InvalidTokenException("'sub' must be a non-empty name of at most 128 characters");
        }
        return new VerifiedToken(user, ids("rooms", claims.getClaim("rooms")), ids("clients", claims.getClaim("clients")),
                claims.getExpirationTime().getTime());
    }

    /** A claim holding ids in 1..2147483647 ({@code rooms}, {@code clients}); null when absent. */
    private static Set<Integer> ids(String name, Object claim) throws InvalidTokenException {
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof List<?> list)) {
            throw new InvalidTokenException("'" + name + "' must be an array of ids");
        }
        Set<Integer> ids = new HashSet<>();
        for (Object item : list) {
            int id = item instanceof Number n ? ClientFrameDecoder.parseId(n.toString()) : -1;
            if (id < 0) {
                throw new InvalidTokenException("'" + name + "' must hold ids from 1 to 2147483647");
            }
            ids.add(id);
        }
        return ids;
    }
}
