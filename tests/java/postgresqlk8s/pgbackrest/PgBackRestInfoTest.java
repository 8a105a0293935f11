package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code pgbackrest info --output=json} as pgBackRest 2.45 prints it (docs: real-stack.md). */
class PgBackRestInfoTest {

    /** The real-stack sample, with the diff entry the record describes added back. */
    static final String SAMPLE = """
            [
              {
                "archive": [
                  {"database": {"id": 1, "repo-key": 1}, "id": "15-1",
                   "max": "000000010000000000000006", "min": "000000010000000000000001"}
                ],
                "backup": [
                  {
                    "archive": {"start": "000000010000000000000003", "stop": "000000010000000000000003"},
                    "backrest": {"format": 5, "version": "2.45"},
                    "database": {"id": 1, "repo-key": 1},
                    "error": false,
                    "info": {"delta": 23066429, "repository": {"delta": 3064254, "size": 3064254}, "size": 23066429},
                    "label": "20261125-183613F",
                    "lsn": {"start": "0/3000028", "stop": "0/3000100"},
                    "prior": null,
                    "reference": null,
                    "timestamp": {"start": 1795631773, "stop": 1795631776},
                    "type": "full"
                  },
                  {
                    "archive": {"start": "000000010000000000000005", "stop": "000000010000000000000005"},
                    "backrest": {"format": 5, "version": "2.45"},
                    "database": {"id": 1, "repo-key": 1},
                    "error": false,
                    "info": {"delta": 1700000, "repository": {"delta": 1700000, "size": 1700000}, "size": 23066429},
                    "label": "20261125-183613F_20261125-183621D",
                    "lsn": {"start": "0/5000028", "stop": "0/5000100"},
                    "prior": "20261125-183613F",
                    "reference": ["20261125-183613F"],
                    "timestamp": {"start": 1795631781, "stop": 1795631784},
                    "type": "diff"
                  }
                ],
                "cipher": "none",
                "db": [{"id": 1, "repo-key": 1, "system-id": 7712178773038758747, "version": "15"}],
                "name": "test",
                "repo": [{"cipher": "none", "key": 1, "status": {"code": 0, "message": "ok"}}],
                "status": {"code": 0, "lock": {"backup": {"held": false}}, "message": "ok"}
              }
            ]
            """;

    private static final String CANARY = "AKIAIOSFODNN7EXAMPLE";

    private static PgBackRestInfo.Stanza only(String json) throws Exception {
        PgBackRestInfo info = PgBackRestInfo.parse(json);
        assertEquals(1, info.stanzas().size());
        return info.stanzas().get(0);
    }

    private static String failureOf(String json) {
        return assertThrows(PgBackRestInfo.InfoFormatException.class, () -> PgBackRestInfo.parse(json)).getMessage();
    }

    @Test
    void realStackSample_fullBackup() throws Exception {
        PgBackRestInfo.Stanza stanza = PgBackRestInfo.parse(SAMPLE).stanza(new StanzaName("test")).orElseThrow();
        assertEquals(Optional.empty(), stanza.problem());
        assertEquals(2, stanza.backups().size());
        BackupRecord full = stanza.backups().get(0);
        assertEquals(new BackupLabel("20261125-183613F"), full.label());
        assertEquals(new BackupId("2026-11-25T18:36:13Z"), full.id());
        assertEquals(BackupType.FULL, full.type());
        assertEquals(Optional.empty(), full.reference());
        assertEquals(Optional.empty(), full.error());
        assertFalse(full.failed());
        assertEquals("0/3000028", full.lsnStart());
        assertEquals("0/3000100", full.lsnStop());
        assertEquals(1795631773L, full.startEpochSecond());
        assertEquals(1795631776L, full.stopEpochSecond());
        assertEquals("1", full.timeline());
    }

    @Test
    void realStackSample_differentialBackup_referencesTheFull() throws Exception {
        BackupRecord diff = only(SAMPLE).backups().get(1);
        assertEquals(BackupType.DIFFERENTIAL, diff.type());
        assertEquals(Optional.of(new BackupLabel("20261125-183613F")), diff.reference());
        assertEquals(new BackupId("2026-11-25T18:36:21Z"), diff.id());
    }

    @Test
    void databaseBytes_theDatabasesSizeAtBackupTime_evenForADifferential_noneWhenMissingOrOdd() throws Exception {
        assertEquals(java.util.OptionalLong.of(23066429), only(SAMPLE).backups().get(0).databaseBytes());
        assertEquals(java.util.OptionalLong.of(23066429), only(SAMPLE).backups().get(1).databaseBytes(), "info.size, not the delta");
        String odd = SAMPLE.replaceFirst("\"size\": 23066429\\}", "\"size\": -3}").replaceFirst("\"size\": 23066429\\}", "\"size\": \"big\"}");
        assertEquals(java.util.OptionalLong.empty(), only(odd).backups().get(0).databaseBytes(), odd);
        assertEquals(java.util.OptionalLong.empty(), only(odd).backups().get(1).databaseBytes(), odd);
    }

    @Test
    void realStackSample_theStanzasDatabaseSystemId_evenBeyondALong() throws Exception {
        PgBackRestInfo.Stanza stanza = PgBackRestInfo.parse(SAMPLE).stanza(new StanzaName("test")).orElseThrow();
        assertEquals(Optional.of(new postgresqlk8s.workload.SystemId("7712178773038758747")), stanza.systemId());
        String big = SAMPLE.replace("7712178773038758747", "18446744073709551615");
        assertEquals("18446744073709551615", PgBackRestInfo.parse(big).stanzas().get(0).systemId().orElseThrow().value());
    }

    @Test
    void aStanzaWithoutDbOrWithATextSystemId_isRefusedSayingWhich() {
        assertEquals("stanza 0 has no db list", assertThrows(PgBackRestInfo.InfoFormatException.class,
                () -> PgBackRestInfo.parse(SAMPLE.replaceFirst("\"db\": \\[[^]]*\\],", ""))).getMessage());
        assertEquals("stanza 0 db 0 has no numeric system-id", assertThrows(PgBackRestInfo.InfoFormatException.class,
                () -> PgBackRestInfo.parse(SAMPLE.replace("7712178773038758747", "\"7712178773038758747\""))).getMessage());
    }

    @Test
    void otherStanzas_areNotOurs() throws Exception {
        assertEquals(Optional.empty(), PgBackRestInfo.parse(SAMPLE).stanza(new StanzaName("dev.patroni-postgresql-k8s")));
        assertEquals(List.of(), PgBackRestInfo.parse("[]").stanzas());
    }

    @Test
    void aFailedBackup_isFailed() throws Exception {
        String json = SAMPLE.replaceFirst("\"error\": false", "\"error\": true");
        BackupRecord failed = only(json).backups().get(0);
        assertTrue(failed.failed());
        assertEquals(Optional.of("True"), failed.error());
    }

    @Test
    void timeline_isTheFirstWalSegmentsTimeline_inHex() throws Exception {
        String json = SAMPLE.replaceFirst("000000010000000000000003", "0000001A0000000000000003");
        assertEquals("1A", only(json).backups().get(0).timeline());
    }

    @Test
    void wrongSecret_exitsZero_butCode99_isAProblem() throws Exception {
        String message = "[ProtocolError] HTTP request failed with 403 (Forbidden): SignatureDoesNotMatch";
        String json = "[{\"archive\":[],\"backup\":[],\"cipher\":\"none\",\"db\":[],\"name\":\"test\","
                + "\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":99,\"message\":\"" + message + "\"}}],"
                + "\"status\":{\"code\":99,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"other\"}}]";
        PgBackRestInfo.Stanza stanza = only(json);
        assertEquals(Optional.of(message), stanza.problem());
        assertEquals(List.of(new PgBackRestInfo.RepoStatus(1, 99, message)), stanza.repos());
        assertEquals(99, stanza.code());
    }

    @Test
    void stanzaCode99WithHealthyRepos_isAProblemToo() throws Exception {
        String json = SAMPLE.replace("\"status\": {\"code\": 0, \"lock\"", "\"status\": {\"code\": 99, \"lock\"");
        assertEquals(99, only(json).code());
        assertTrue(only(json).problem().isPresent());
    }

    @Test
    void noValidBackupsYet_isNoProblem() throws Exception {
        String json = "[{\"archive\":[],\"backup\":[],\"cipher\":\"none\",\"db\":[],\"name\":\"test\","
                + "\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":2,\"message\":\"no valid backups\"}}],"
                + "\"status\":{\"code\":2,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"no valid backups\"}}]";
        assertEquals(Optional.empty(), only(json).problem());
        assertEquals(List.of(), only(json).backups());
    }

    // --- not what pgBackRest writes: a typed failure that never echoes the text ---------------------

    @Test
    void notJson_failsWithoutEchoingIt() {
        String m = failureOf("ERROR: [031]: option 'repo1-s3-key=" + CANARY + "' is not allowed");
        assertFalse(m.contains(CANARY), m);
        assertFalse(m.contains("repo1"), m);
    }

    @Test
    void emptyOutput_fails() {
        failureOf("");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\": \"" + CANARY + "\"}",
        "[\"" + CANARY + "\"]",
        "[{\"name\": \"" + CANARY + "\"}]",
        "[{\"status\": {\"code\": 0, \"message\": \"" + CANARY + "\"}}]",
        "[{\"name\": \"test\", \"status\": \"" + CANARY + "\"}]",
        "[{\"name\": \"test\", \"status\": {\"code\": \"" + CANARY + "\"}}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"repo\": [{\"key\": 1, \"status\": \"" + CANARY + "\"}]}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"backup\": [{\"type\": \"full\", \"timestamp\": {}, \"x\": \"" + CANARY + "\"}]}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"backup\": [{\"label\": \"" + CANARY + "\", \"type\": \"full\", \"timestamp\": {}}]}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"backup\": [{\"label\": \"20231301-000000F\", \"type\": \"full\", \"timestamp\": {}}]}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"backup\": [{\"label\": \"20230101-000000F\", \"type\": \"" + CANARY + "\", \"timestamp\": {}}]}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"backup\": [{\"label\": \"20230101-000000F\", \"type\": \"full\"}]}]",
        "[{\"name\": \"test\", \"status\": {\"code\": 0}, \"backup\": [{\"label\": \"20230101-000000F\", \"type\": \"diff\", \"timestamp\": {}, \"reference\": [\"" + CANARY + "\"]}]}]"
    })
    void missingOrMalformedFields_failWithoutEchoingContent(String json) {
        String m = failureOf(json);
        assertFalse(m.contains(CANARY), m);
        assertFalse(m.isBlank());
    }
}
