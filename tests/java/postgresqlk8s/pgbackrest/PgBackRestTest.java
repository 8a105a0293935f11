package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadLayout;

/** The pgBackRest commands the charm runs: argv only, as postgres, with a deadline. */
class PgBackRestTest {

    private static final StanzaName STANZA = new StanzaName("dev.patroni-postgresql-k8s");

    private final List<Command> ran = new ArrayList<>();
    private final PgBackRest pgbackrest = new PgBackRest(c -> {
        ran.add(c);
        return new ExecResult(0, "", "", false);
    }, WorkloadLayout.PRODUCTION, STANZA);

    private Command only() {
        assertEquals(1, ran.size());
        assertEquals(Command.POSTGRES, ran.get(0).user());
        assertNull(ran.get(0).stdin());
        return ran.get(0);
    }

    @Test
    void stanzaCreate() throws Exception {
        pgbackrest.stanzaCreate();
        assertEquals(List.of("pgbackrest", "--stanza=dev.patroni-postgresql-k8s", "--io-timeout=3", "--db-timeout=15",
                "--protocol-timeout=20", "stanza-create"), only().argv());
    }

    @Test
    void check() throws Exception {
        pgbackrest.check();
        assertEquals(List.of("pgbackrest", "--stanza=dev.patroni-postgresql-k8s", "--io-timeout=3", "--db-timeout=15",
                "--protocol-timeout=20", "check"), only().argv());
    }

    @Test
    void backup_onThePrimary_noBackupStandby() throws Exception {
        pgbackrest.backup(BackupType.FULL, true);
        assertEquals(List.of("pgbackrest", "--stanza=dev.patroni-postgresql-k8s", "--log-level-console=debug", "--type=full",
                "--no-backup-standby", "backup"), only().argv());
        assertEquals(PgBackRest.BACKUP, only().deadline());
    }

    @Test
    void backup_onAReplica_fromTheStandby() throws Exception {
        pgbackrest.backup(BackupType.INCREMENTAL, false);
        assertEquals(List.of("pgbackrest", "--stanza=dev.patroni-postgresql-k8s", "--log-level-console=debug", "--type=incr",
                "backup"), only().argv());
    }

    @Test
    void info_boundsTheWaitForARepositoryThatDoesNotAnswer() throws Exception {
        pgbackrest.info();
        assertEquals(List.of("pgbackrest", "info", "--output=json", "--io-timeout=3"), only().argv());
        assertEquals(Duration.ofSeconds(30), only().deadline());
    }

    @Test
    void serverPing_namesTheHostOnTheCommandLine_andBoundsTheRetries() throws Exception {
        pgbackrest.serverPing("postgresql-k8s-0.postgresql-k8s-endpoints", 8432);
        assertEquals(List.of("pgbackrest", "server-ping", "--io-timeout=5", "postgresql-k8s-0.postgresql-k8s-endpoints"),
                only().argv());
        assertEquals(Duration.ofSeconds(30), only().deadline());
    }

    @Test
    void serverPing_onAnotherPort_saysIt() throws Exception {
        pgbackrest.serverPing("postgresql-k8s-0.postgresql-k8s-endpoints", 8200);
        assertEquals(List.of("pgbackrest", "server-ping", "--io-timeout=5", "--tls-server-port=8200",
                "postgresql-k8s-0.postgresql-k8s-endpoints"), only().argv());
    }

    @Test
    void restoreCommand_asTheReferenceWritesIt() {
        assertEquals("pgbackrest --stanza=dev.patroni-postgresql-k8s --pg1-path=/var/lib/postgresql/data/pgdata "
                + "--set=20230101-090000F --type=immediate --target-action=promote restore",
                pgbackrest.restoreCommand(RestoreTarget.backup(new BackupLabel("20230101-090000F"))));
    }

    @Test
    void commands_readTheConfigAtItsDefaultPath_soNoneNamesIt() throws Exception {
        pgbackrest.info();
        assertFalse(only().argv().stream().anyMatch(a -> a.startsWith("--config")), only().argv().toString());
        assertFalse(pgbackrest.restoreCommand(RestoreTarget.backup(new BackupLabel("20230101-090000F"))).contains("--config"));
    }
}
