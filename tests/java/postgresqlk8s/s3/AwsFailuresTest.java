package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** SDK failures in words an operator acts on. */
class AwsFailuresTest {

    @Test
    void reason_ofAnS3Error_givesStatusCodeAndText() {
        S3Exception e = (S3Exception) S3Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build())
                .build();
        assertEquals("HTTP 403 AccessDenied (Access Denied)", AwsFailures.reason(e));
        assertEquals("HTTP 404", AwsFailures.reason(S3Exception.builder().statusCode(404).build()));
    }

    @Test
    void reason_ofClientFailures_namesConnectionOrTls() {
        SdkClientException refused = SdkClientException.create("Unable to execute HTTP request: Connection refused",
                new ConnectException("Connection refused"));
        assertEquals("connection refused (Connection refused)", AwsFailures.reason(refused));
        SdkClientException tls = SdkClientException.create("Unable to execute HTTP request",
                new SSLHandshakeException("PKIX path building failed"));
        assertEquals("TLS failure: PKIX path building failed", AwsFailures.reason(tls));
    }
}
