package postgresqlk8s.s3;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * How an SDK call failed, as an {@link ObjectStoreException} that says the operation, the endpoint and
 * the reason (HTTP status and S3 error code, connection refused, TLS failure, time-out); never the
 * access key or the secret key, and no cause whose message holds one.
 */
final class AwsFailures {

    private AwsFailures() {}

    /** A call the SDK made and that failed. */
    static ObjectStoreException of(String what, S3Parameters s3, SdkException e) {
        Redactor redactor = s3.redactor();
        String message = redactor.apply("cannot " + what + " at " + s3.endpoint().url() + ": " + reason(e));
        return leaksKey(e, redactor) ? new ObjectStoreException(message) : new ObjectStoreException(message, e);
    }

    /** A call refused before any request: the SDK's own checks (e.g. of the bucket name) or the client's settings. */
    static ObjectStoreException refused(String what, S3Parameters s3, IllegalArgumentException e) {
        return new ObjectStoreException("cannot " + what + ": " + s3.redactor().apply(String.valueOf(e.getMessage())));
    }

    /** Why a call failed, in words an operator acts on. */
    static String reason(Throwable e) {
        if (e instanceof AwsServiceException) {
            AwsServiceException s = (AwsServiceException) e;
            String code = errorCode(s);
            String text = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            StringBuilder r = new StringBuilder("HTTP ").append(s.statusCode());
            if (code != null && !code.isBlank()) {
                r.append(' ').append(code);
            }
            if (text != null && !text.isBlank() && !text.equals(code)) {
                r.append(" (").append(text.strip()).append(')');
            }
            return r.toString();
        }
        for (Throwable t : chain(e)) {
            if (t instanceof ConnectException) {
                return "connection refused (" + t.getMessage() + ")";
            }
            if (t instanceof SSLException || t instanceof CertificateException) {
                return "TLS failure: " + t.getMessage();
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host (" + t.getMessage() + ")";
            }
            if (t instanceof SocketTimeoutException) {
                return "timed out (" + t.getMessage() + ")";
            }
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return "timed out (" + t.getMessage() + ")";
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The S3 error code, e.g. {@code NoSuchBucket}; null when the server sent none. */
    static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The exception and its causes and suppressed exceptions (earlier retry attempts), each once. */
    private static List<Throwable> chain(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        List<Throwable> todo = new ArrayList<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(0);
            if (t == null || seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            out.add(t);
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return out;
    }

    /** Whether any message in the exception's chain holds a key; then it is not attached as cause. */
    private static boolean leaksKey(Throwable e, Redactor redactor) {
        for (Throwable t : chain(e)) {
            String m = t.getMessage();
            if (m != null && redactor.finds(m)) {
                return true;
            }
        }
        return false;
    }
}
