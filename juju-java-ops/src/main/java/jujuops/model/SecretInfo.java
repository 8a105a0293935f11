package jujuops.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A secret's metadata as its owner sees it ({@code secret-info-get}).
 *
 * @param id       the secret's URI, {@code secret:<xid>}
 * @param owner    {@code application} or {@code unit}
 * @param revision the latest revision
 */
public record SecretInfo(
        String id,
        String owner,
        int revision,
        Optional<String> label,
        Optional<String> description,
        Optional<Instant> expiry,
        Optional<Rotation> rotation,
        Optional<Instant> rotates) {

    /** Juju's rotation policies. */
    public enum Rotation {
        NEVER, HOURLY, DAILY, WEEKLY, MONTHLY, QUARTERLY, YEARLY;

        public String jujuName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Empty for a name Juju may add later. */
        public static Optional<Rotation> fromJuju(String name) {
            for (Rotation r : values()) {
                if (r.jujuName().equals(name)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    public SecretInfo {
        id = Secret.canonicalId(id);
        if (revision < 1) {
            throw new IllegalArgumentException("a secret revision starts at 1, got " + revision);
        }
    }
}
