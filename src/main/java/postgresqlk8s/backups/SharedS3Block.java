package postgresqlk8s.backups;

import java.util.Map;
import java.util.Optional;

import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;

/**
 * The S3 block that stands for the whole application, not one unit: the leader found that the repository
 * holds another cluster's backups. The leader records the reason in the peer data
 * ({@link PeerKeys#S3_BLOCK_MESSAGE}, the reference's key) and every unit's S3 concern follows that record,
 * so the block shows whoever leads, outlives scale events and leader changes, and clears on every unit
 * when the leader finds the reason gone (new settings, a restore that took the repository over, the end
 * of the s3 relation).
 */
final class SharedS3Block {

    private final ClusterFacts facts;

    SharedS3Block(ClusterFacts facts) {
        this.facts = facts;
    }

    /** The recorded reason, if one stands. */
    Optional<String> reason() {
        return facts.appData(PeerKeys.S3_BLOCK_MESSAGE);
    }

    /**
     * Leader: records what its S3 flow found. Only another cluster's repository is the application's; any
     * other outcome (a block by this unit's settings, or none) means that reason is gone.
     */
    void record(String outcome) {
        String value = Messages.ANOTHER_CLUSTER.equals(outcome) ? outcome : "";
        if (!reason().orElse("").equals(value)) {
            facts.putAppData(Map.of(PeerKeys.S3_BLOCK_MESSAGE, value));
        }
    }

    /** Leader: nothing stands against the repository any more. */
    void clear() {
        record("");
    }

    /**
     * This unit's S3 concern follows the record: blocked while a reason stands; Active once it is gone, if
     * the concern showed that reason. Any other S3 block of this unit stays for its own flow to clear.
     */
    void follow() {
        UnitStatuses statuses = facts.statuses();
        Optional<String> reason = reason();
        if (reason.isPresent()) {
            statuses.set(UnitStatuses.Concern.S3, Status.blocked(reason.get()));
            return;
        }
        Optional<Status> said = statuses.get(UnitStatuses.Concern.S3);
        if (said.isPresent() && said.get().is(Status.Kind.BLOCKED) && said.get().message().equals(Messages.ANOTHER_CLUSTER)) {
            statuses.set(UnitStatuses.Concern.S3, Status.active());
        }
    }
}
