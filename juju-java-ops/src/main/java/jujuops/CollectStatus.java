package jujuops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jujuops.model.Status;

/**
 * The statuses the charm's collectors propose at the end of a dispatch; the most urgent one is shown,
 * in Juju's order: error, blocked, maintenance, waiting, active, unknown. Among equals, the first added
 * wins. A collector that has nothing to say adds nothing; when no collector adds anything, the status
 * stays as the handlers left it.
 */
public final class CollectStatus {

    private final List<Status> proposed = new ArrayList<>();

    CollectStatus() {}

    /** Proposes a status; only the four a charm may set are accepted. */
    public void add(Status status) {
        if (!status.settable()) {
            throw new IllegalArgumentException("a charm cannot set status " + status.kind().jujuName());
        }
        proposed.add(status);
    }

    /** The most urgent proposal, if any. */
    Optional<Status> mostUrgent() {
        Status best = null;
        for (Status s : proposed) {
            if (best == null || urgency(s.kind()) > urgency(best.kind())) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Juju's priority of workload statuses (Python ops' {@code StatusBase._priorities}). */
    static int urgency(Status.Kind kind) {
        switch (kind) {
            case ERROR: return 5;
            case BLOCKED: return 4;
            case MAINTENANCE: return 3;
            case WAITING: return 2;
            case ACTIVE: return 1;
            default: return 0;
        }
    }
}
