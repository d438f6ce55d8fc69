package io.roomcast.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.roomcast.config.RoomcastSettings;
import io.roomcast.scheduling.ApplicationScheduler;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every key a token may be verified with, and the key dev tokens are signed with. The candidates are
 * an HS256 secret ({@code roomcast.jwt.secret}), an RS256 or ES256 public key
 * ({@code roomcast.jwt.public-key}, PEM text or the path of a PEM file), the keys of a JWKS document
 * ({@code roomcast.jwt.jwks}, refreshed every {@code roomcast.jwt.jwks-refresh}), and in dev mode only a
 * random HS256 dev key made at start. The configured keys and the dev key are known by their RFC 7638
 * thumbprint, JWKS keys by their {@code kid} (their thumbprint when they have none).
 * Signing is for dev tokens only, and only with the dev key: the production keys never sign. Dev mode
 * and production keys never run together: the deployment fails instead (PROTOCOL 13.9).
 */
@ApplicationScoped
public class JwtKeys {

    private static final Logger LOG = System.getLogger(JwtKeys.class.getName());
    private static final int MIN_SECRET_BYTES = 32;
    /** What a JWKS key can verify (never HMAC): only a token of these may ask for a JWKS fetch. */
    private static final Set<JWSAlgorithm> JWKS_ALGORITHMS = Set.copyOf(
            Stream.concat(JWSAlgorithm.Family.RSA.stream(), JWSAlgorithm.Family.EC.stream()).toList());

    @Inject
    RoomcastSettings settings;
    @Inject
    ApplicationScheduler scheduler;

    private List<VerificationKey> fixed;
    /** What is configured, for the start-up log: kinds and algorithms, no key material. */
    private final List<String> described = new ArrayList<>();
    private Optional<OctetSequenceKey> devKey = Optional.empty();
    private JwksKeys jwks;

    @PostConstruct
    void load() {
        refuseDevModeBesideProductionKeys();
        List<VerificationKey> keys = new ArrayList<>();
        try {
            if (settings.jwtSecret().isPresent()) {
                byte[] secret = settings.jwtSecret().get().getBytes(StandardCharsets.UTF_8);
                if (secret.length < MIN_SECRET_BYTES) {
                    throw new IllegalArgumentException("roomcast.jwt.secret must be at least "
                            + MIN_SECRET_BYTES + " bytes");
                }
                keys.add(VerificationKey.of(hs256(secret), true).orElseThrow());
                described.add("secret (HS256)");
            }
            if (settings.jwtPublicKey().isPresent()) {
                VerificationKey key = VerificationKey.of(publicJwk(readPem(settings.jwtPublicKey().get())), false).orElseThrow();
                keys.add(key);
                described.add("public key " + key.algorithms());
            }
        } catch (JOSEException | GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("roomcast.jwt.public-key: " + e.getMessage(), e);
        }
        if (settings.devMode()) {
            // A key of its own, new at every start: a dev token is never valid in production, nor after a restart.
            byte[] random = new byte[MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(random);
            try {
                OctetSequenceKey dev = hs256(random);
                keys.add(VerificationKey.of(dev, true).orElseThrow());
                devKey = Optional.of(dev);
                described.add("dev key (HS256)");
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot make the dev key", e);
            }
            LOG.log(Level.WARNING, "dev mode: dev tokens from POST /api/dev/tokens are signed with a random key made"
                    + " at start and accepted until the server stops. Never run dev mode in production.");
        }
        fixed = List.copyOf(keys);
        if (settings.jwtJwks().isPresent()) {
            jwks = JwksKeys.of(settings.jwtJwks().get());
            // the first fetch too runs in the lane (this thread waits for it)
            jwks.start(settings.jwtJwksRefresh(), scheduler.lane("jwks-refresh"));
            described.add("JWKS refreshed every " + settings.jwtJwksRefresh().toSeconds() + " s");
        }
        if (fixed.isEmpty() && jwks == null) {
            LOG.log(Level.WARNING, "no JWT key configured (roomcast.jwt.secret, roomcast.jwt.public-key or"
                    + " roomcast.jwt.jwks): every handshake that presents or requires credentials is refused with 401");
        }
    }

    /**
     * PROTOCOL 13.9. Anyone may ask dev mode for a token naming any user, so next to a production key a
     * dev token would pass for a real user: such a deployment must not start. Thrown while the
     * application starts ({@link #onStart}), so the WAR does not deploy.
     */
    private void refuseDevModeBesideProductionKeys() {
        if (!settings.devMode()) {
            return;
        }
        List<String> production = new ArrayList<>();
        settings.jwtSecret().ifPresent(v -> production.add("roomcast.jwt.secret"));
        settings.jwtPublicKey().ifPresent(v -> production.add("roomcast.jwt.public-key"));
        settings.jwtJwks().ifPresent(v -> production.add("roomcast.jwt.jwks"));
        if (!production.isEmpty()) {
            String message = "roomcast.dev-mode=true refuses to start with a production key configured ("
                    + String.join(", ", production) + "): anyone could get a dev token naming a real user."
                    + " Turn dev mode off, or remove the production keys to try Roomcast out.";
            LOG.log(Level.ERROR, message);
            throw new IllegalStateException(message);
        }
    }

    private static OctetSequenceKey hs256(byte[] secret) throws JOSEException {
        return new OctetSequenceKey.Builder(secret).algorithm(JWSAlgorithm.HS256).keyIDFromThumbprint().build();
    }

    /** Forces loading at deployment, so configuration errors and the missing-key warning show at once. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.log(Level.INFO, "JWT verification keys: {0}", described);
    }

    @PreDestroy
    void stop() {
        if (jwks != null) {
            jwks.stop();
        }
    }

    /**
     * The keys that may verify a token of this {@code alg} naming this {@code kid} (null: none): every
     * candidate whose algorithms include {@code alg} and, when a {@code kid} is named, whose id equals it.
     */
    public List<Key> keysFor(JWSAlgorithm alg, String kid) {
        List<Key> matching = new ArrayList<>();
        boolean kidKnown = false;
        for (List<VerificationKey> keys : jwks == null ? List.of(fixed) : List.of(fixed, jwks.keys())) {
            for (VerificationKey key : keys) {
                if (key.accepts(alg, kid)) {
                    matching.add(key.key());
                }
                kidKnown |= kid != null && kid.equals(key.kid());
            }
        }
        if (!kidKnown && kid != null && jwks != null && JWKS_ALGORITHMS.contains(alg)) {
            jwks.unknownKid(kid); // asynchronous: this token is refused, a later one may find the key
        }
        return matching;
    }

    /** The JWKS keys, null when {@code roomcast.jwt.jwks} is not set. */
    JwksKeys jwks() {
        return jwks;
    }

    /** The key dev tokens are signed with: present in dev mode only. */
    public Optional<OctetSequenceKey> devSigningKey() {
        return devKey;
    }

    private static JWK publicJwk(PublicKey key) throws JOSEException {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS256).keyIDFromThumbprint().build();
        }
        if (key instanceof ECPublicKey ec) {
            return new ECKey.Builder(Curve.P_256, ec).algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint().build();
        }
        throw new JOSEException("unsupported key type " + key.getAlgorithm());
    }

    /** Reads an X.509 SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), given inline or as a file path. */
    static PublicKey readPem(String value) throws IOException, GeneralSecurityException {
        String pem = value.contains("-----BEGIN") ? value : Files.readString(Path.of(value.trim()));
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a PEM public key");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new GeneralSecurityException("not an RSA or EC public key");
    }
}
