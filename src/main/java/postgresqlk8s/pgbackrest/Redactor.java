package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.List;

/**
 * Masks known secret values in text that came from outside (pgBackRest echoes S3 error bodies, which
 * can carry the access key id) before it reaches a log, a status, an action result or an exception.
 */
public final class Redactor {

    public static final Redactor NONE = new Redactor(List.of());
    private static final String MASK = "***";

    private final List<String> secrets;

    public Redactor(List<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && s.length() >= 4) {
                kept.add(s);
            }
        }
        this.secrets = List.copyOf(kept);
    }

    public String apply(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return out;
    }
}
