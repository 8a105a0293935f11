package jujuops.model;

import java.util.Locale;
import java.util.Objects;

/** A unit or application workload status, as `status-set` and `status-get` speak it. */
public record Status(Kind kind, String message) {

    public enum Kind {
        ACTIVE, BLOCKED, MAINTENANCE, WAITING, UNKNOWN, ERROR;

        /** The word Juju uses on the command line and in `status-get` output. */
        public String jujuName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind fromJuju(String word) {
            for (Kind k : values()) {
                if (k.jujuName().equals(word)) {
                    return k;
                }
            }
            return UNKNOWN;
        }
    }

    public Status {
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message;
    }

    public static Status active(String message) { return new Status(Kind.ACTIVE, message); }
    public static Status active() { return active(""); }
    public static Status blocked(String message) { return new Status(Kind.BLOCKED, message); }
    public static Status maintenance(String message) { return new Status(Kind.MAINTENANCE, message); }
    public static Status waiting(String message) { return new Status(Kind.WAITING, message); }
    public static Status unknown() { return new Status(Kind.UNKNOWN, ""); }

    /** Builds a status from the words of `status-get`; words Juju adds later read as unknown. */
    public static Status fromJuju(String kind, String message) {
        return new Status(Kind.fromJuju(kind == null ? "" : kind), message);
    }

    // equals and hashCode are written out: a record's generated ones bootstrap through invokedynamic,
    // ~15 ms of method-handle set-up at the first call in a JVM, and every hook is a new JVM.
    @Override
    public boolean equals(Object o) {
        return o instanceof Status && ((Status) o).kind == kind && ((Status) o).message.equals(message);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + message.hashCode();
    }

    public boolean is(Kind k) {
        return kind == k;
    }

    /** Only these four can be set by a charm. */
    public boolean settable() {
        return kind == Kind.ACTIVE || kind == Kind.BLOCKED || kind == Kind.MAINTENANCE || kind == Kind.WAITING;
    }

    @Override
    public String toString() {
        return message.isEmpty() ? kind.jujuName() : kind.jujuName() + ": " + message;
    }
}
