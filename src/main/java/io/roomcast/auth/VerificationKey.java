package io.roomcast.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.Key;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One key a token may be verified with: its id, the JWS algorithms it verifies, and the key itself.
 *
 * @param kid the id a token's {@code kid} must equal to select this key: the JWKS {@code kid} when the
 *            key came with one, otherwise the key's RFC 7638 thumbprint
 * @param algorithms the algorithms this key verifies; a token of any other {@code alg} never reaches it,
 *                   which rules out algorithm confusion
 * @param key the public key (RSA, EC) or the secret (HMAC)
 */
public record VerificationKey(String kid, Set<JWSAlgorithm> algorithms, Key key) {

    private static final Map<Curve, JWSAlgorithm> EC_ALGORITHMS = Map.of(Curve.P_256, JWSAlgorithm.ES256,
            Curve.SECP256K1, JWSAlgorithm.ES256K, Curve.P_384, JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);

    public VerificationKey {
        algorithms = Set.copyOf(algorithms);
    }

    /** Whether a token of this {@code alg} naming this {@code kid} (null: none) may be verified with the key. */
    public boolean accepts(JWSAlgorithm alg, String tokenKid) {
        return algorithms.contains(alg) && (tokenKid == null || tokenKid.equals(kid));
    }

    /**
     * The verification key for a JWK, or empty when the JWK cannot verify signatures: a key of another
     * use ({@code use: enc}, {@code key_ops} without {@code verify}), an {@code alg} that does not fit the
     * key type, or a type other than RSA, EC and (when allowed) octet sequence.
     * Without {@code alg}, an RSA key verifies RS256/384/512 and PS256/384/512, an EC key the ECDSA
     * algorithm of its curve, an octet sequence HS256/384/512.
     */
    static Optional<VerificationKey> of(JWK jwk, boolean allowSecret) throws JOSEException {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return Optional.empty();
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return Optional.empty();
        }
        Set<JWSAlgorithm> byType;
        Key key;
        if (jwk instanceof RSAKey rsa) {
            byType = JWSAlgorithm.Family.RSA;
            key = rsa.toRSAPublicKey();
        } else if (jwk instanceof ECKey ec && EC_ALGORITHMS.containsKey(ec.getCurve())) {
            byType = Set.of(EC_ALGORITHMS.get(ec.getCurve()));
            key = ec.toECPublicKey();
        } else if (jwk instanceof OctetSequenceKey oct && allowSecret) {
            byType = JWSAlgorithm.Family.HMAC_SHA;
            key = oct.toSecretKey();
        } else {
            return Optional.empty();
        }
        Set<JWSAlgorithm> algorithms = byType;
        if (jwk.getAlgorithm() != null) {
            JWSAlgorithm declared = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
            if (!byType.contains(declared)) {
                return Optional.empty();
            }
            algorithms = Set.of(declared);
        }
        String kid = jwk.getKeyID() != null ? jwk.getKeyID() : jwk.computeThumbprint().toString();
        return Optional.of(new VerificationKey(kid, algorithms, key));
    }
}
