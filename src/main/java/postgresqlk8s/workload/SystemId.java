package postgresqlk8s.workload;

import java.util.regex.Pattern;

/**
 * A PostgreSQL database system identifier: the unsigned 64-bit number {@code initdb} gives a cluster,
 * which a physical backup and its restores keep. pgBackRest records it per stanza ({@code db[].system-id});
 * {@code pg_controldata} prints it as "Database system identifier". Kept as its decimal digits: it may
 * exceed a Java {@code long}.
 */
public record SystemId(String value) {

    private static final Pattern DIGITS = Pattern.compile("^[0-9]{1,20}$");

    public SystemId {
        if (value == null || !DIGITS.matcher(value).matches()) {
            throw new IllegalArgumentException("a database system identifier is a decimal number");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
