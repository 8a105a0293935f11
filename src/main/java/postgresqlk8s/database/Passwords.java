package postgresqlk8s.database;

import java.security.SecureRandom;

/** Database passwords: 24 letters and digits from a strong random source, safe in any config syntax. */
final class Passwords {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    static String generate() {
        StringBuilder out = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
