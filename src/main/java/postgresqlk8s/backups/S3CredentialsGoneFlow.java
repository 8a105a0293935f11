package postgresqlk8s.backups;

import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.HookOutcome;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.PatroniConfig;

/**
 * The s3 relation is gone: WAL archiving to it stops, the stanza is forgotten, and a Blocked status
 * that only the S3 settings caused is lifted.
 */
final class S3CredentialsGoneFlow {

    private static final Logger LOG = Logs.get(S3CredentialsGoneFlow.class);

    private final ClusterFacts facts;
    private final Seams seams;

    S3CredentialsGoneFlow(ClusterFacts facts, Seams seams) {
        this.facts = facts;
        this.seams = seams;
    }

    public HookOutcome handle(Event event) {
        if (facts.isLeader() && facts.stanza().isPresent()) {
            facts.putAppData(Map.of(PeerKeys.STANZA, ""));
            try {
                seams.patroniConfig().apply(PatroniConfig.Settings.normal(Optional.empty()));
            } catch (PatroniConfig.ConfigException e) {
                LOG.warn("could not stop archiving WAL to the removed S3 repository: {}", e.getMessage());
            }
        }
        if (facts.isLeader()) {
            // not in the flowchart: without the relation no repository stands against the application
            new SharedS3Block(facts).clear();
        }
        // No repository, nothing to block on: a block by the S3 settings or repository ends with the relation.
        facts.statuses().set(UnitStatuses.Concern.S3, Status.active());
        return HookOutcome.done();
    }
}
