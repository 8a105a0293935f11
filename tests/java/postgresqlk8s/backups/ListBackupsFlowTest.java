package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.backup;
import static postgresqlk8s.backups.BackupWorld.info;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;

/** One test per edge of the list-backups flowchart, and the table character for character. */
class ListBackupsFlowTest {

    private static final String FAILED_PREFIX = "Failed to list PostgreSQL backups with error: ";
    /** The reference header, typed out: widths 20, 19, 8, 20, 23, 20, 20, 8, then the rest. */
    private static final String HEADER_ROW = "backup-id            | action              | status   | reference-backup-id  "
            + "| LSN start/stop          | start-time           | finish-time          | timeline | backup-path";
    private static final String HEADER = "Storage bucket name: pg-backups\n"
            + "Backups base path: /postgresql/backup/\n"
            + "\n"
            + HEADER_ROW + "\n"
            + "-".repeat(HEADER_ROW.length());

    // 2023-01-01T09:00:00Z, 2023-01-02T09:00:00Z, 2023-01-03T09:00:00Z
    private static final long JAN1 = 1672563600L;
    private static final long JAN2 = 1672650000L;
    private static final long JAN3 = 1672736400L;

    private final BackupWorld world = new BackupWorld();

    private Result listBackups(State in) {
        return world.run(TestEvent.action("list-backups"), in);
    }

    @Test
    void theReferenceHeaderRow_hasTheReferenceWidths() {
        String[] cells = HEADER_ROW.split(" \\| ", -1);
        int[] widths = {20, 19, 8, 20, 23, 20, 20, 8};
        for (int i = 0; i < widths.length; i++) {
            assertEquals(widths[i], cells[i].length(), "column " + i);
        }
        assertEquals(173, HEADER_ROW.length());
    }

    @Test
    void isS3RelationEstablished_no_failsAction() {
        Result r = listBackups(withStanza().withoutRelation("s3-parameters:3"));
        assertEquals(Optional.of("Relation with s3-integrator charm missing, cannot create/restore backup."), r.actionFailure());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void hasMissingS3Parameters_yes_failsAction() {
        Map<String, String> data = BackupWorld.dataWith("access-key", "");
        data.remove("secret-key");
        Result r = listBackups(withStanza().withRelation(BackupWorld.s3Relation(data)));
        assertEquals(Optional.of("Missing S3 parameters: ['access-key', 'secret-key']"), r.actionFailure());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void hasInvalidS3Parameters_yes_failsAction_namingTheValue() {
        Result r = listBackups(withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("s3-uri-style", "virtual"))));
        assertEquals(Optional.of("Invalid S3 parameters: s3-uri-style must be 'host' or 'path'"), r.actionFailure());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_yes_returnsTheTable_oldestFirst() {
        world.exec.answer("info", ok(info(
                backup("20230101-090000F", "full", null, false, JAN1, JAN1 + 5),
                backup("20230101-090000F_20230102-090000D", "diff", "20230101-090000F", false, JAN2, JAN2 + 10),
                backup("20230103-090000F", "full", null, true, JAN3, JAN3 + 60))));
        Result r = listBackups(withStanza());
        String expected = HEADER
                + "\n2023-01-01T09:00:00Z | full backup         | finished | None                 | 0/3000028 / 0/3000100   "
                + "| 2023-01-01T09:00:00Z | 2023-01-01T09:00:05Z | 1        | /dev.patroni-postgresql-k8s/20230101-090000F"
                + "\n2023-01-02T09:00:00Z | differential backup | finished | 2023-01-01T09:00:00Z | 0/3000028 / 0/3000100   "
                + "| 2023-01-02T09:00:00Z | 2023-01-02T09:00:10Z | 1        "
                + "| /dev.patroni-postgresql-k8s/20230101-090000F_20230102-090000D"
                + "\n2023-01-03T09:00:00Z | full backup         | failed: True | None                 | 0/3000028 / 0/3000100   "
                + "| 2023-01-03T09:00:00Z | 2023-01-03T09:01:00Z | 1        | /dev.patroni-postgresql-k8s/20230103-090000F";
        assertEquals(Map.of("backups", expected), r.actionResults());
        assertEquals(Optional.empty(), r.actionFailure());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_yes_asksPgBackRestForJson_asPostgres() {
        world.exec.answer("info", ok(info()));
        listBackups(withStanza());
        // info and the history listing run side by side: either may come first
        List<Command> commands = world.exec.commands();
        Command info = commands.get(commands.get(0).argv().get(1).equals("info") ? 0 : 1);
        assertEquals(List.of("pgbackrest", "info", "--output=json", "--io-timeout=3"), info.argv());
        assertEquals(Command.POSTGRES, info.user());
        Command ls = commands.get(commands.get(0) == info ? 1 : 0);
        assertEquals(List.of("pgbackrest", "repo-ls", "archive/dev.patroni-postgresql-k8s", "--output=json", "--io-timeout=3", "--recurse",
                "--filter=\\.history$"), ls.argv());
        assertEquals(Command.POSTGRES, ls.user());
        assertEquals(2, world.exec.commands().size());
    }

    @Test
    void timelinesThatRestoresStarted_areRows_amongTheBackups_byTime() {
        long jan1 = 1672563600L; // 2023-01-01T09:00:00Z
        world.exec.answer("info", ok(info(backup("20230101-090000F", "full", null, false, jan1, jan1 + 5),
                backup("20230103-090000F", "full", null, false, jan1 + 172800, jan1 + 172805))));
        world.exec.answer("repo-ls", ok("{\".\":{\"type\":\"path\"},\"14-1\":{\"type\":\"path\"},"
                + "\"14-1/00000002.history\":{\"type\":\"file\",\"size\":41,\"time\":" + (jan1 + 86400) + "},"
                + "\"14-1/0000000A.history\":{\"type\":\"file\",\"size\":82,\"time\":" + (jan1 + 259200) + "}}"));
        Result r = listBackups(withStanza());
        String table = r.actionResults().get("backups").toString();
        List<String> rows = table.lines().skip(5).toList();
        assertEquals(4, rows.size(), table);
        assertTrue(rows.get(0).startsWith("2023-01-01T09:00:00Z | full backup "), table);
        assertEquals("2023-01-02T09:00:00Z | restore             | finished | None                 | n/a                     "
                + "| 2023-01-02T09:00:00Z | n/a                  | 2        | n/a", rows.get(1));
        assertTrue(rows.get(2).startsWith("2023-01-03T09:00:00Z | full backup "), table);
        assertEquals("2023-01-04T09:00:00Z | restore             | finished | None                 | n/a                     "
                + "| 2023-01-04T09:00:00Z | n/a                  | A        | n/a", rows.get(3));
    }

    @Test
    void aListingThatIsNotJson_failsTheAction_withoutTheText() {
        world.exec.answer("info", ok(info()));
        world.exec.answer("repo-ls", ok("secret-key=abc not json"));
        Result r = listBackups(withStanza());
        assertEquals(Optional.of("Failed to list PostgreSQL backups with error: pgBackRest repo-ls output is not JSON"), r.actionFailure());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_yes_emptyStanza_headerOnly() {
        String noBackups = info().replace("\"status\":{\"code\":0,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"ok\"}",
                "\"status\":{\"code\":2,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"no valid backups\"}");
        assertTrue(noBackups.contains("\"code\":2"));
        world.exec.answer("info", ok(noBackups));
        Result r = listBackups(withStanza());
        assertEquals(Map.of("backups", HEADER), r.actionResults());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_yes_noStanzaInTheRepositoryYet_headerOnly() {
        world.exec.answer("info", ok("[]"));
        Result r = listBackups(withStanza());
        assertEquals(Map.of("backups", HEADER), r.actionResults());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_yes_backupsOfOtherStanzasAreNotListed() {
        String other = info(backup("20230101-090000F", "full", null, false, JAN1, JAN1 + 5))
                .replace(BackupWorld.STANZA, "other.patroni-postgresql-k8s");
        String ours = info(backup("20230103-090000F", "full", null, false, JAN3, JAN3 + 60));
        world.exec.answer("info", ok(other.substring(0, other.length() - 1) + "," + ours.substring(1)));
        Result r = listBackups(withStanza());
        String table = r.actionResults().get("backups");
        assertTrue(table.contains("/dev.patroni-postgresql-k8s/20230103-090000F"), table);
        assertFalse(table.contains("20230101-090000F"), table);
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_no_nonZeroExit_failsWithTheHint() {
        world.exec.answer("info", new ExecResult(39, "",
                "P00  ERROR: [039]: HTTP request failed with 403 (Forbidden)\n", false));
        Result r = listBackups(withStanza());
        assertEquals(Optional.of(FAILED_PREFIX + "ERROR: [039]: HTTP request failed with 403 (Forbidden)"), r.actionFailure());
        assertEquals(Map.of(), r.actionResults());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_no_exitZeroButTheRepositoryRefused_failsWithTheKeyMasked() {
        String refusal = "[ProtocolError] HTTP request failed with 403 (Forbidden): <Code>SignatureDoesNotMatch</Code>"
                + "<AWSAccessKeyId>" + BackupWorld.ACCESS_KEY + "</AWSAccessKeyId>";
        world.exec.answer("info", ok(BackupWorld.infoRepoError(BackupWorld.STANZA, refusal)));
        Result r = listBackups(withStanza());
        assertEquals(Optional.of(FAILED_PREFIX + "[ProtocolError] HTTP request failed with 403 (Forbidden): "
                + "<Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>***</AWSAccessKeyId>"), r.actionFailure());
        assertEquals(Map.of(), r.actionResults());
        r.logs().forEach(l -> assertFalse(l.contains(BackupWorld.ACCESS_KEY), l));
    }

    /**
     * Measured with pgBackRest 2.45: {@code pgbackrest info --output=json} without {@code --stanza} (as the
     * charm runs it) against an unreadable repository exits 0 and reports the error under a stanza named
     * {@code [invalid]}, not under the charm's stanza. An empty table would tell the operator there are
     * no backups when S3 simply cannot be read.
     */
    @Test
    void doesPgBackRestReturnTheBackupsList_no_repositoryUnreadable_asPgBackRestReportsItWithoutAStanza_fails() {
        world.exec.answer("info", ok(BackupWorld.infoRepoError("[invalid]",
                "[HostConnectError] unable to connect to 's3.eu-west-1.amazonaws.com:443': [111] Connection refused")));
        Result r = listBackups(withStanza());
        assertEquals(Optional.of(FAILED_PREFIX
                + "[HostConnectError] unable to connect to 's3.eu-west-1.amazonaws.com:443': [111] Connection refused"),
                r.actionFailure(), "results were " + r.actionResults());
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_no_notJson_failsWithoutEchoingTheOutput() {
        String output = "ERROR: [031]: option 'repo1-s3-key' is " + BackupWorld.ACCESS_KEY + " and that is odd";
        world.exec.answer("info", ok(output));
        Result r = listBackups(withStanza());
        String failure = r.actionFailure().orElseThrow();
        assertTrue(failure.startsWith(FAILED_PREFIX), failure);
        assertTrue(failure.length() > FAILED_PREFIX.length(), failure);
        assertFalse(failure.contains("option"), failure);
        assertFalse(failure.contains(BackupWorld.ACCESS_KEY), failure);
        r.logs().forEach(l -> assertFalse(l.contains(BackupWorld.ACCESS_KEY), l));
    }

    @Test
    void doesPgBackRestReturnTheBackupsList_no_workloadUnreachable_fails() {
        world.exec.unreachable();
        Result r = listBackups(withStanza());
        assertEquals(Optional.of(FAILED_PREFIX + "pod postgresql-k8s-0 is not reachable"), r.actionFailure());
        assertEquals(0, r.exitCode());
    }

    @Test
    void listBackups_onANonLeaderUnit_works() {
        world.exec.answer("info", ok(info()));
        Result r = listBackups(withStanza().withLeader(false));
        assertEquals(Map.of("backups", HEADER), r.actionResults());
    }
}
