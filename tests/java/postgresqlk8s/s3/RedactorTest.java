package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The one redactor for pgBackRest and S3 text. */
class RedactorTest {

    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @Test
    void masksEveryOccurrence_andIgnoresTooShortSecrets() {
        Redactor r = new Redactor(Arrays.asList(ACCESS_KEY, null, "ab"));
        assertEquals("*** and *** but ab", r.apply(ACCESS_KEY + " and " + ACCESS_KEY + " but ab"));
        assertEquals("text", Redactor.NONE.apply("text"));
    }

    @Test
    void aKeyInsideAnother_leavesNoFragment_whateverTheOrderGiven() {
        String inner = "EXAMPLEKEY";
        Redactor r = new Redactor(List.of(inner, SECRET_KEY));
        assertEquals("secret *** and ***", r.apply("secret " + SECRET_KEY + " and " + inner));
    }

    @Test
    void finds_aSecretAnywhere_andNothingElse() {
        Redactor r = new Redactor(List.of(ACCESS_KEY, SECRET_KEY));
        assertTrue(r.finds("InvalidAccessKeyId: " + ACCESS_KEY + "."));
        assertTrue(r.finds(SECRET_KEY));
        assertFalse(r.finds("AKIA… redacted"));
        assertFalse(Redactor.NONE.finds(ACCESS_KEY));
    }

    @Test
    void theSettingsRedactor_masksBothKeys_andShowsNeitherInItsOwnText() {
        S3Parameters s3 = new S3Parameters("pg-backups", ACCESS_KEY, SECRET_KEY,
                new S3Endpoint("s3.amazonaws.com", 443, S3Endpoint.UriStyle.HOST), "us-east-1", "/",
                Optional.empty(), Optional.empty(), List.of());
        assertEquals("key *** secret ***", s3.redactor().apply("key " + ACCESS_KEY + " secret " + SECRET_KEY));
        assertEquals("Redactor[2 secret(s)]", s3.redactor().toString());
    }
}
