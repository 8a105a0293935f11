package postgresqlk8s.cluster;

import java.util.Optional;

import jujuops.CollectStatus;
import jujuops.Framework;
import jujuops.StatusCollector;
import jujuops.StoredState;
import jujuops.model.Status;

/**
 * What each of the unit's concerns last said of it, kept across dispatches; at the end of every dispatch
 * the framework shows the most urgent (Juju's order: blocked, maintenance, waiting, active). A concern
 * says Active when it has nothing against the unit; one that has not spoken yet says nothing.
 *
 * <p>So an S3 block outlives update-status without the database checks knowing of it, and a running
 * restore (maintenance) hides that the database is down (waiting) without either asking the other.
 */
public final class UnitStatuses implements StatusCollector {

    /** The unit's concerns, each keeping one status. */
    public enum Concern {
        /**
         * WAL archiving on the primary, when it is behind or dropped WAL: an Active status with a message,
         * cleared otherwise. First, so that its message wins over the others' bare Active (among equals
         * the first proposed is shown), and loses to anything more urgent.
         */
        ARCHIVE,
        /** The database service and Patroni: starting, waiting for the leader, running. */
        DATABASE,
        /** The S3 repository: its settings, the stanza, WAL archiving to it. */
        S3,
        /** A restore: running, or failed. */
        RESTORE,
        /** The unit's TLS certificate: refused, or its files could not be installed. */
        TLS,
        /** The charm's config options: a value it cannot use. */
        CONFIG;

        String key() {
            return "status." + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final StoredState stored;

    public UnitStatuses(StoredState stored) {
        this.stored = stored;
    }

    /** Shows the unit's status as the most urgent of its concerns', at the end of every dispatch. */
    public static void register(Framework framework) {
        framework.observeCollectUnitStatus("UnitStatuses.collect", new UnitStatuses(framework.stored()));
    }

    /** No lambda: its bootstrap would cost every hook's start-up. */
    @Override
    public void collect(CollectStatus collected) {
        for (Concern c : Concern.values()) {
            Optional<Status> said = get(c);
            if (said.isPresent()) {
                collected.add(said.get());
            }
        }
    }

    public void set(Concern concern, Status status) {
        stored.put(concern.key(), status.kind().jujuName() + ":" + status.message());
    }

    /** The concern has nothing to say any more (e.g. no restore since the last one finished). */
    public void clear(Concern concern) {
        stored.remove(concern.key());
    }

    public Optional<Status> get(Concern concern) {
        Optional<String> value = stored.get(concern.key());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        int colon = value.get().indexOf(':');
        if (colon < 0) {
            return Optional.empty(); // not written by set(): ignore rather than fail every dispatch
        }
        Status status = Status.fromJuju(value.get().substring(0, colon), value.get().substring(colon + 1));
        return status.settable() ? Optional.of(status) : Optional.empty();
    }
}
