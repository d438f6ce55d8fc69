package io.roomcast.handshake;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.roomcast.config.RoomcastSettings;
import jakarta.annotation.PostConstruct;
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

/**
 * The keys tokens are verified with: an HS256 secret ({@code roomcast.jwt.secret}, or a random one
 * generated in dev mode when no key is configured) and an RS256 or ES256 public key
 * ({@code roomcast.jwt.public-key}, PEM text or the path of a PEM file). Each key's id is its RFC 7638
 * thumbprint, so a token naming any other {@code kid} finds no key.
 */
@ApplicationScoped
public class JwtKeys {

    private static final Logger LOG = System.getLogger(JwtKeys.class.getName());
    private static final int MIN_SECRET_BYTES = 32;

    @Inject
    RoomcastSettings settings;

    private List<JWK> keys;
    private Optional<OctetSequenceKey> signingSecret = Optional.empty();

    @PostConstruct
    void load() {
        keys = new ArrayList<>();
        try {
            Optional<byte[]> secret = settings.jwtSecret().map(s -> s.getBytes(StandardCharsets.UTF_8));
            if (secret.isEmpty() && settings.jwtPublicKey().isEmpty() && settings.devMode()) {
                byte[] random = new byte[MIN_SECRET_BYTES];
                new SecureRandom().nextBytes(random);
                secret = Optional.of(random);
                LOG.log(Level.WARNING, "dev mode: no JWT key configured, generated a random HS256 secret;"
                        + " get tokens from POST /api/dev/tokens. Never run dev mode in production.");
            }
            if (secret.isPresent()) {
                if (secret.get().length < MIN_SECRET_BYTES) {
                    throw new IllegalArgumentException("roomcast.jwt.secret must be at least "
                            + MIN_SECRET_BYTES + " bytes");
                }
                OctetSequenceKey oct = new OctetSequenceKey.Builder(secret.get())
                        .algorithm(JWSAlgorithm.HS256).keyIDFromThumbprint().build();
                keys.add(oct);
                signingSecret = Optional.of(oct);
            }
            if (settings.jwtPublicKey().isPresent()) {
                keys.add(publicJwk(readPem(settings.jwtPublicKey().get())));
            }
        } catch (JOSEException | GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("roomcast.jwt.public-key: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            LOG.log(Level.WARNING, "no JWT key configured (roomcast.jwt.secret or roomcast.jwt.public-key):"
                    + " every handshake that presents or requires credentials is refused with 401");
        }
    }

    /** Forces loading at deployment, so configuration errors and the missing-key warning show at once. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.log(Level.INFO, "JWT verification keys: {0}", keys.stream().map(k -> k.getKeyType() + "/"
                + k.getAlgorithm()).toList());
    }

    public List<JWK> verificationKeys() {
        return keys;
    }

    /** The HS256 key dev tokens are signed with, when there is one. */
    public Optional<OctetSequenceKey> signingSecret() {
        return signingSecret;
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
