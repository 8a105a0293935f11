package postgresqlk8s.s3;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The S3 settings the s3-integrator gives, cleaned up as the Python charm does: trimmed, path as
 * {@code /} plus the path stripped of slashes, bucket without slashes; the endpoint and uri style parsed
 * into one {@link S3Endpoint} that pgBackRest and the SDK client share. {@link #toString()} never shows
 * the keys.
 *
 * @param caChain PEM certificates the endpoint's TLS chain must lead to; empty for the system's trust
 */
public record S3Parameters(
        String bucket,
        String accessKey,
        String secretKey,
        S3Endpoint endpoint,
        String region,
        String path,
        Optional<String> storageClass,
        Optional<Integer> deleteOlderThanDays,
        List<String> caChain) {

    public static final String DEFAULT_REGION = "us-east-1";

    public S3Parameters {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(accessKey, "access-key");
        Objects.requireNonNull(secretKey, "secret-key");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(path, "path");
        caChain = List.copyOf(caChain);
    }

    /** Masks this relation's access key and secret key in text that leaves the charm. */
    public Redactor redactor() {
        return new Redactor(List.of(accessKey, secretKey));
    }

    /** An object key under the configured path, e.g. {@code backup/<stanza>/latest} -> {@code path/backup/...}. */
    public String key(String relative) {
        String base = path.equals("/") ? "" : path.substring(1) + "/";
        return base + relative;
    }

    @Override
    public String toString() {
        return "S3Parameters[bucket=" + bucket + ", endpoint=" + endpoint + ", region=" + region + ", path=" + path
                + ", caChain=" + caChain.size() + " certificate(s), keys hidden]";
    }
}
