package postgresqlk8s.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;

/**
 * This unit's TLS private key: RSA 2048, as the Python charm's TLS library makes it, so that every
 * provider and every client that spoke to the Python charm takes it. RSA also lets the JDK alone read the
 * key back and derive its public half (the CRT form holds the modulus and exponent); the one-time cost of
 * generating it (a fraction of a second) is paid once per unit, as the key is kept in a Juju secret.
 *
 * <p>The key leaves the unit only into its Juju secret and the workload's key file; {@link #toString}
 * never prints it, and nothing here puts it into an exception message.
 */
public final class UnitKey {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private final RSAPrivateCrtKey privateKey;
    private final PublicKey publicKey;

    private UnitKey(RSAPrivateCrtKey privateKey) {
        this.privateKey = privateKey;
        try {
            this.publicKey = KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an RSA public key", e);
        }
    }

    /** A new RSA 2048 key. */
    public static UnitKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
            return new UnitKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate an RSA key", e);
        }
    }

    /**
     * The key from its PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as {@link #pem()} wrote it.
     *
     * @throws InvalidKeyException without the text, when it is no RSA PKCS#8 key
     */
    public static UnitKey fromPem(String pem) throws InvalidKeyException {
        String body = pem == null ? "" : pem.strip();
        if (!body.startsWith(BEGIN) || !body.endsWith(END)) {
            throw new InvalidKeyException("the stored key is not a PKCS#8 PEM private key");
        }
        body = body.substring(BEGIN.length(), body.length() - END.length());
        try {
            byte[] der = java.util.Base64.getMimeDecoder().decode(body);
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(key instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(BigInteger.ZERO)) {
                throw new InvalidKeyException("the stored key is not an RSA key with its public exponent");
            }
            return new UnitKey(crt);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The cause's message may quote the input: it is dropped.
            throw new InvalidKeyException("the stored key cannot be read as an RSA PKCS#8 key");
        }
    }

    /** PKCS#8 PEM, as PostgreSQL and pgBackRest (OpenSSL) read it. */
    public String pem() {
        String base64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(privateKey.getEncoded());
        return BEGIN + "\n" + base64 + "\n" + END + "\n";
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** True when this public key is this key's public half. */
    public boolean matches(PublicKey other) {
        return other != null && java.util.Arrays.equals(publicKey.getEncoded(), other.getEncoded());
    }

    @Override
    public String toString() {
        return "UnitKey[RSA " + privateKey.getModulus().bitLength() + ", private part not shown]";
    }

    /** A stored key that cannot be used; the message never holds the key. */
    public static final class InvalidKeyException extends Exception {
        public InvalidKeyException(String message) {
            super(message);
        }
    }
}
