package postgresqlk8s;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jujuops.Event;
import jujuops.Framework;
import jujuops.Outcome;

/** Wires the charm's flows to Juju's events. Collaborators are created only when a flow needs them. */
public final class PostgresqlCharm {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresqlCharm.class);

    static final String S3_ENDPOINT = "s3-parameters";
    static final String S3_MISSING = "Relation with s3-integrator charm missing, cannot create/restore backup.";

    private final Framework framework;

    private PostgresqlCharm(Framework framework) {
        this.framework = framework;
    }

    public static void setUp(Framework framework) {
        PostgresqlCharm charm = new PostgresqlCharm(framework);
        framework.observe("install", "PostgresqlCharm.onInstall", charm::onInstall);
        framework.observe("update-status", "PostgresqlCharm.onUpdateStatus", charm::onUpdateStatus);
        framework.observe("list-backups", "PostgresqlCharm.onBackupAction", charm::onBackupAction);
        framework.observe("create-backup", "PostgresqlCharm.onBackupAction", charm::onBackupAction);
        framework.observe("restore", "PostgresqlCharm.onBackupAction", charm::onBackupAction);
    }

    private Outcome onInstall(Event event) {
        LOG.info("installed {}", framework.model().unitName());
        return Outcome.done();
    }

    private Outcome onUpdateStatus(Event event) {
        return Outcome.done();
    }

    private Outcome onBackupAction(Event event) {
        if (framework.model().relation(S3_ENDPOINT).isEmpty()) {
            return Outcome.fail(S3_MISSING);
        }
        return Outcome.fail("The " + event.name() + " flow is not available in this build of the charm yet.");
    }
}
