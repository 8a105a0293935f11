package postgresqlk8s.pgbackrest;

import java.util.regex.Pattern;

/** The pgBackRest stanza of a cluster: {@code <model name>.patroni-<application name>}. */
public record StanzaName(String value) {

    private static final Pattern SAFE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*$");

    public StanzaName {
        if (value == null || !SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("a stanza name is letters, digits, '.', '_' and '-'");
        }
    }

    public static StanzaName of(String model, String app) {
        return new StanzaName(model + ".patroni-" + app);
    }

    @Override
    public String toString() {
        return value;
    }
}
