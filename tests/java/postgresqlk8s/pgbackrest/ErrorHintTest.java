package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import postgresqlk8s.s3.Redactor;

/** The short reason from pgBackRest's output: ERROR/WARN lines, "; ", 120 characters, secrets masked. */
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

    @Test
    void longOutput_isCutAt120() {
        String out = "ERROR: [039]: " + "x".repeat(200) + "\nWARN: another\n";
        String hint = ErrorHint.of(out, Redactor.NONE);
        assertEquals(120, hint.length());
        assertEquals(("ERROR: [039]: " + "x".repeat(200)).substring(0, 120), hint);
        assertEquals(120, ErrorHint.MAX);
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
        String prefix = "ERROR: [039]: " + "y".repeat(100);
        String hint = ErrorHint.of(prefix + SECRET_KEY + " trailing words\n", KEYS);
        assertTrue(hint.length() <= 120);
        assertFalse(hint.contains(SECRET_KEY.substring(0, 6)), hint);
    }
}
