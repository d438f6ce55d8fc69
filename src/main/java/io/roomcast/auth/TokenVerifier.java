package io.roomcast.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.connection.Ids;
import io.roomcast.protocol.ClientFrameDecoder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWTs with nimbus-jose-jwt (PROTOCOL 2). Each token is verified only with the candidate keys
 * {@link JwtKeys} gives for its {@code alg} and {@code kid}, which rules out {@code alg: none} and
 * algorithm confusion (an HS256 token "signed" with the RSA public key). {@code sub} and {@code exp}
 * are required, {@code nbf} is honoured, {@code iss} and {@code aud} are checked when configured, all
 * with the configured clock skew. Before any of that, a token longer than {@value #MAX_TOKEN_CHARS}
 * characters is refused unparsed, and after it a {@code sub} that is longer than {@value #MAX_SUB_CHARS}
 * characters, holds a control character (PROTOCOL 13.9) or looks like a guest's name.
 */
@ApplicationScoped
public class TokenVerifier {

    /** Longer tokens are refused before parsing: no real token comes close, and parsing costs. */
    public static final int MAX_TOKEN_CHARS = 8192;
    /** PROTOCOL 13.9: the longest {@code sub}, in characters (code points). */
    public static final int MAX_SUB_CHARS = 256;
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    final RoomcastSettings settings;
    final JwtKeys keys;
    private final ConfigurableJWTProcessor<SecurityContext> processor;

    /** Builds the processor; it asks {@code keys} for keys per token, never now. */
    @Inject
    public TokenVerifier(RoomcastSettings settings, JwtKeys keys) {
        this.settings = settings;
        this.keys = keys;
        this.processor = processor(keys, settings);
    }

    /** For the CDI client proxy only: it delegates every call, so it needs none of the state. */
    protected TokenVerifier() {
        this.settings = null;
        this.keys = null;
        this.processor = null;
    }

    static ConfigurableJWTProcessor<SecurityContext> processor(JwtKeys keys, RoomcastSettings settings) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // Looked up per token: JWKS keys change while the server runs.
        processor.setJWSKeySelector((header, context) -> keys.keysFor(header.getAlgorithm(), header.getKeyID()));
        // typ "JWT" or none, and RFC 9068 access tokens ("at+jwt") as some identity providers issue them.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, AT_JWT,
                new JOSEObjectType("application/at+jwt"), null));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        settings.jwtIssuer().ifPresent(exact::issuer);
        // A mutable set: nimbus asks it whether it contains null, which Set.of() answers with an exception.
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.jwtAudience().map(a -> new HashSet<>(List.of(a))).orElse(null), exact.build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew((int) settings.jwtClockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    public VerifiedToken verify(String token) throws InvalidTokenException {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidTokenException("longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (Exception e) {
            // nimbus messages describe the failure (expired, bad signature, ...) without echoing the token
            throw new InvalidTokenException(e.getMessage());
        }
        String user = claims.getSubject();
        if (user == null || user.isBlank() || user.codePointCount(0, user.length()) > MAX_SUB_CHARS
                || user.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidTokenException("'sub' must be a non-empty name of at most " + MAX_SUB_CHARS
                    + " characters, without control characters");
        }
        if (Ids.isGuestName(user)) {
            throw new InvalidTokenException("'sub' must not start with '" + Ids.GUEST_PREFIX + "': those names are the guests'");
        }
        return new VerifiedToken(user, ids("rooms", claims.getClaim("rooms")), ids("clients", claims.getClaim("clients")),
                claims.getExpirationTime().getTime(), admin(claims.getClaim(VerifiedToken.ADMIN_CLAIM)));
    }

    /**
     * The admin claim: only {@code true} makes an admin; absent or {@code false} does not. Anything else is
     * refused rather than guessed at (a string "true" from a misconfigured identity provider is a mistake to
     * report, not a grant).
     */
    private static boolean admin(Object claim) throws InvalidTokenException {
        if (claim == null) {
            return false;
        }
        if (!(claim instanceof Boolean admin)) {
            throw new InvalidTokenException("'" + VerifiedToken.ADMIN_CLAIM + "' must be true or false");
        }
        return admin;
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
