package postgresqlk8s.backups;

import java.util.function.Supplier;

import jujuops.Framework;
import jujuops.Lazy;
import postgresqlk8s.s3.S3Requirer;

/**
 * Wires the backup flowcharts to their events. Seams are built on first use, so an event that needs
 * none (a no-op update-status) creates no client at all.
 */
public final class BackupFlows {

    public static final String S3_ENDPOINT = "s3-parameters";

    private BackupFlows() {}

    public static void register(Framework framework, Supplier<Seams> seamsFactory) {
        Supplier<Seams> seams = Lazy.of(seamsFactory);
        S3Requirer s3 = S3Requirer.register(framework, S3_ENDPOINT);
        ClusterFacts facts = new ClusterFacts(framework, () -> seams.get().patroni());

        framework.observe(S3Requirer.CREDENTIALS_CHANGED, "BackupFlows.onS3CredentialsChanged",
                e -> new S3CredentialsChangedFlow(framework, facts, s3, seams.get()).handle(e));
        framework.observe(S3Requirer.CREDENTIALS_GONE, "BackupFlows.onS3CredentialsGone",
                e -> new S3CredentialsGoneFlow(facts, seams.get()).handle(e));
        framework.observe("create-backup", "BackupFlows.onCreateBackup",
                e -> new CreateBackupFlow(framework, facts, s3, seams.get()).handle(e));
        framework.observe("list-backups", "BackupFlows.onListBackups",
                e -> new ListBackupsFlow(facts, s3, seams.get()).handle(e));
        framework.observe("restore", "BackupFlows.onRestore",
                e -> new RestoreFlow(framework, facts, s3, seams.get()).handle(e));
        framework.observe("update-status", "BackupFlows.onUpdateStatus",
                e -> new RestoreOutcomeCheck(facts, seams).handle(e));
        for (String hook : new String[] {"certificates-relation-changed", "certificates-relation-broken"}) {
            framework.observe(hook, "BackupFlows.onCertificates",
                    e -> new TlsServerFlow(facts, s3, seams).handle(e));
        }
    }
}
