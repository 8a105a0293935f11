package postgresqlk8s.pgbackrest;

import java.util.Optional;
import java.util.regex.Pattern;

/** A WAL position as PostgreSQL writes it, {@code 0/5000028}: comparable, unlike its text. */
public record Lsn(long value) implements Comparable<Lsn> {

    private static final Pattern TEXT = Pattern.compile("^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$");

    public static Optional<Lsn> parse(String text) {
        var m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Lsn((Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16)));
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }
}
