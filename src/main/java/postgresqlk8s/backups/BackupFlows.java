package postgresqlk8s.backups;

import java.util.function.Supplier;

import jujuops.Event;
import jujuops.Framework;
import jujuops.Lazy;
import jujuops.Observer;
import jujuops.Outcome;
import postgresqlk8s.s3.S3Requirer;

/**
 * Wires the backup flowcharts to their events. Seams are built on first use, so an event that needs
 * none (a no-op update-status) creates no client at all. One observer routes by event name instead of a
 * lambda per event: every hook is a new JVM, and its first lambda costs ~15 ms of set-up.
 */
public final class BackupFlows implements Observer {

    public static final String S3_ENDPOINT = "s3-parameters";
    static final String CERTIFICATES_CHANGED = "certificates-relation-changed";
    static final String CERTIFICATES_BROKEN = "certificates-relation-broken";

    private final Framework framework;
    private final Supplier<Seams> seams;
    private final S3Requirer s3;
    private final ClusterFacts facts;

    private BackupFlows(Framework framework, Supplier<Seams> seams, S3Requirer s3) {
        this.framework = framework;
        this.seams = seams;
        this.s3 = s3;
        this.facts = new ClusterFacts(framework, seams);
    }

    public static void register(Framework framework, Supplier<Seams> seamsFactory) {
        BackupFlows flows = new BackupFlows(framework, Lazy.of(seamsFactory), S3Requirer.register(framework, S3_ENDPOINT));
        framework.observe(S3Requirer.CREDENTIALS_CHANGED, "BackupFlows.onS3CredentialsChanged", flows);
        framework.observe(S3Requirer.CREDENTIALS_GONE, "BackupFlows.onS3CredentialsGone", flows);
        framework.observe("create-backup", "BackupFlows.onCreateBackup", flows);
        framework.observe("list-backups", "BackupFlows.onListBackups", flows);
        framework.observe("restore", "BackupFlows.onRestore", flows);
        framework.observe("update-status", "BackupFlows.onUpdateStatus", flows);
        framework.observe(CERTIFICATES_CHANGED, "BackupFlows.onCertificates", flows);
        framework.observe(CERTIFICATES_BROKEN, "BackupFlows.onCertificates", flows);
    }

    @Override
    public Outcome handle(Event event) {
        switch (event.name()) {
            case S3Requirer.CREDENTIALS_CHANGED:
                return new S3CredentialsChangedFlow(framework, facts, s3, seams.get()).handle(event);
            case S3Requirer.CREDENTIALS_GONE:
                return new S3CredentialsGoneFlow(facts, seams.get()).handle(event);
            case "create-backup":
                return new CreateBackupFlow(framework, facts, s3, seams.get()).handle(event);
            case "list-backups":
                return new ListBackupsFlow(facts, s3, seams.get()).handle(event);
            case "restore":
                return new RestoreFlow(framework, facts, s3, seams.get()).handle(event);
            case "update-status":
                return new RestoreOutcomeCheck(facts, seams).handle(event);
            case CERTIFICATES_CHANGED:
            case CERTIFICATES_BROKEN:
                return new TlsServerFlow(facts, s3, seams).handle(event);
            default:
                throw new IllegalStateException("BackupFlows has no flow for " + event.name());
        }
    }
}
