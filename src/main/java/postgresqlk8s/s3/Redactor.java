package postgresqlk8s.s3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Masks the S3 keys in text that leaves the charm — pgBackRest output (it echoes S3 error bodies, which
 * can carry the access key id) and S3 failures — before it reaches a log, a status, an action result or
 * an exception. The one redactor for pgBackRest and S3 text; {@link S3Parameters#redactor()} makes it.
 */
public final class Redactor {

    public static final Redactor NONE = new Redactor(List.of());
    private static final String MASK = "***";
    /** Shorter values are not masked: no real key is that short, and masking them would garble any text. */
    private static final int SHORTEST = 4;

    /** Longest first, so that a key inside another leaves no fragment behind. */
    private final List<String> secrets;

    public Redactor(List<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && s.length() >= SHORTEST) {
                kept.add(s);
            }
        }
        kept.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(kept);
    }

    public String apply(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return out;
    }

    /** Whether the text holds a secret, i.e. must not leave the charm as it is. */
    public boolean finds(String text) {
        for (String s : secrets) {
            if (text.contains(s)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Redactor[" + secrets.size() + " secret(s)]";
    }
}
