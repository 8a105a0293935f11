package jujuops;

import java.util.Objects;

import jujuops.model.Status;

/** What hook and action outcomes share. */
final class Outcomes {

    private Outcomes() {}

    /** The status, when a charm may set it. */
    static Status settable(Status status) {
        Objects.requireNonNull(status, "status");
        if (!status.settable()) {
            throw new IllegalArgumentException("a charm cannot set status " + status.kind());
        }
        return status;
    }
}
