package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import postgresqlk8s.s3.Redactor;

/** The reason from pgBackRest's output: ERROR/WARN lines with their HINT lines, "; ", 600 characters, secrets masked. */
class ErrorHintTest {

    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Redactor KEYS = new Redactor(List.of(ACCESS_KEY, SECRET_KEY));

    @Test
    void errorAndWarnLines_joinedBySemicolon_fromTheirLevel() {
        String out = "2026-11-25 18:36:13.000 P00   INFO: stanza-create command begin 2.45\n"
                + "P00   WARN: unable to check pg1: [DbConnectError] unable to connect\n"
                + "P00  ERROR: [056]: unable to find primary cluster\n"
                + "P00   INFO: stanza-create command end: aborted with exception [056]\n";
        assertEquals("WARN: unable to check pg1: [DbConnectError] unable to connect; ERROR: [056]: unable to find primary cluster",
                ErrorHint.of(out, Redactor.NONE));
    }

    @Test
    void theSameLineTwice_stdoutAndStderr_isGivenOnce() {
        String out = "ERROR: [082]: WAL segment was not archived\n\nP00  ERROR: [082]: WAL segment was not archived\n";
        assertEquals("ERROR: [082]: WAL segment was not archived", ErrorHint.of(out, Redactor.NONE));
    }

    @Test
    void noErrorLines_isEmpty() {
        assertEquals("", ErrorHint.of("P00   INFO: all good\n", Redactor.NONE));
        assertEquals("", ErrorHint.of("", Redactor.NONE));
    }

    /** pgBackRest 2.45's [082] as a backup prints it on stdout: the hints are indented under the error. */
    @Test
    void hintLinesUnderAnError_followIt_theyTellWhatToDo() {
        String out = "P00   INFO: backup stop archive = 000000010000000000000007, lsn = 0/7000100\n"
                + "P00  ERROR: [082]: WAL segment 000000010000000000000007 was not archived before the 60000ms timeout\n"
                + "            HINT: check the archive_command to ensure that all options are correct (especially --stanza).\n"
                + "            HINT: check the PostgreSQL server log for errors.\n"
                + "            HINT: run the 'start' command if the stanza was previously stopped.\n"
                + "P00   INFO: backup command end: aborted with exception [082]\n";
        assertEquals("ERROR: [082]: WAL segment 000000010000000000000007 was not archived before the 60000ms timeout; "
                + "HINT: check the archive_command to ensure that all options are correct (especially --stanza).; "
                + "HINT: check the PostgreSQL server log for errors.; "
                + "HINT: run the 'start' command if the stanza was previously stopped.", ErrorHint.of(out, Redactor.NONE));
    }

    @Test
    void theSameErrorWithHints_onStderrAndStdout_isGivenOnce() {
        String stderr = "ERROR: [082]: WAL segment was not archived\n       HINT: check the PostgreSQL server log for errors.\n";
        String stdout = "P00  ERROR: [082]: WAL segment was not archived\n            HINT: check the PostgreSQL server log for errors.\n";
        assertEquals("ERROR: [082]: WAL segment was not archived; HINT: check the PostgreSQL server log for errors.",
                ErrorHint.of(stderr + "\n" + stdout, Redactor.NONE));
    }

    @Test
    void aHintLineAfterOtherOutput_isNotTakenForTheError() {
        String out = "P00  ERROR: [056]: unable to find primary cluster\nP00   INFO: stanza-create command end\n"
                + "   HINT: a line some other output printed\n";
        assertEquals("ERROR: [056]: unable to find primary cluster", ErrorHint.of(out, Redactor.NONE));
    }

    @Test
    void longOutput_isCutAtMax_andAStatusTakesLess() {
        String out = "ERROR: [039]: " + "x".repeat(700) + "\nWARN: another\n";
        String hint = ErrorHint.of(out, Redactor.NONE);
        assertEquals(600, hint.length());
        assertEquals(("ERROR: [039]: " + "x".repeat(700)).substring(0, 600), hint);
        assertEquals(600, ErrorHint.MAX);
        assertEquals(120, ErrorHint.STATUS_MAX);
    }

    @Test
    void secrets_areMasked() {
        String out = "ERROR: [039]: HTTP request failed with 403 (Forbidden): <AWSAccessKeyId>" + ACCESS_KEY
                + "</AWSAccessKeyId>\nWARN: secret " + SECRET_KEY + " rejected\n";
        String hint = ErrorHint.of(out, KEYS);
        assertFalse(hint.contains(ACCESS_KEY), hint);
        assertFalse(hint.contains(SECRET_KEY), hint);
        assertTrue(hint.contains("<AWSAccessKeyId>***</AWSAccessKeyId>"), hint);
    }

    @Test
    void aSecretAcrossTheCut_leavesNoFragment() {
        String prefix = "ERROR: [039]: " + "y".repeat(580);
        String hint = ErrorHint.of(prefix + SECRET_KEY + " trailing words\n", KEYS);
        assertTrue(hint.length() <= ErrorHint.MAX);
        assertFalse(hint.contains(SECRET_KEY.substring(0, 6)), hint);
    }
}
