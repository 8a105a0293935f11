package postgresqlk8s.s3;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.TrustManager;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The SDK client of one hook: built on first use for the settings of that call, kept while later calls
 * use the same settings, rebuilt when they change, closed with the hook. The JDK's URL connection is
 * the HTTP client; TLS trust is the relation's CA chain when it gives one.
 */
final class AwsClients implements AutoCloseable {

    /** How long calls may take; a failing call gives up after at most {@link #maxAttempts} attempts. */
    record Limits(Duration connect, Duration socket, Duration attempt, Duration call, int maxAttempts) {
        /** For a hook: a dead endpoint costs seconds, a slow one at most a minute per call. */
        static final Limits DEFAULT = new Limits(
                Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(25), Duration.ofSeconds(60), 3);
        /**
         * For the calls a user or a hook waits on (bucket checks, the ownership marker, the probe before
         * a backup): a server that does not answer, refused or frozen, fails the call within 12 s, well
         * inside the 20 s an interactive command may take. Applied per request ({@link #perCall}), so only
         * the attempt and call bounds count; the client keeps {@link #DEFAULT}'s connect and socket bounds.
         */
        static final Limits INTERACTIVE = new Limits(
                Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(12), 3);

        Limits {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        /** These limits' attempt and call bounds as one request's override of the client's. */
        Consumer<AwsRequestOverrideConfiguration.Builder> perCall() {
            return o -> o.apiCallAttemptTimeout(attempt).apiCallTimeout(call);
        }
    }

    private static final Logger LOG = Logs.get(AwsClients.class);

    private final Limits limits;
    private S3Parameters clientParameters;
    private S3Client client;

    AwsClients(Limits limits) {
        this.limits = limits;
    }

    /**
     * The client for these settings, built when there is none for them yet.
     *
     * @throws IllegalArgumentException when the settings cannot make a client (a CA chain that does not
     *         read as certificates); the message names the setting, never a key
     */
    synchronized S3Client of(S3Parameters s3) {
        if (client != null && s3.equals(clientParameters)) {
            return client;
        }
        close();
        long start = System.nanoTime();
        client = build(s3, limits);
        clientParameters = s3;
        LOG.debug("S3 client for {} built in {} ms", s3, (System.nanoTime() - start) / 1_000_000);
        return client;
    }

    /** Closes the client, if one was built. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
            clientParameters = null;
        }
    }

    /** Loads and initialises the SDK by building and closing a client for inert settings; sends nothing. */
    void warmUp() {
        S3Parameters inert = new S3Parameters("warm-up", "warm-up", "warm-up",
                new S3Endpoint("127.0.0.1", 1, S3Endpoint.UriStyle.PATH), "us-east-1", "/",
                Optional.empty(), Optional.empty(), List.of());
        try {
            build(inert, limits).close();
        } catch (RuntimeException e) {
            LOG.debug("S3 client warm-up failed: {}", e.getMessage());
        }
    }

    static S3Client build(S3Parameters s3, Limits limits) {
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                .connectionTimeout(limits.connect())
                .socketTimeout(limits.socket());
        if (!s3.caChain().isEmpty()) {
            TrustManager[] trust = PemTrust.trustManagers(s3.caChain());
            http.tlsTrustManagersProvider(() -> trust);
        }
        return S3Client.builder()
                .httpClientBuilder(http)
                .endpointOverride(s3.endpoint().uri())
                .region(Region.of(s3.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .forcePathStyle(s3.endpoint().pathStyle())
                // Recent SDKs add CRC checksums to every upload by default, which many S3-compatible
                // servers reject or mangle; send and check them only where the API requires it.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .addExecutionInterceptor(new BucketCreation.LocationConstraintRemover())
                        .apiCallAttemptTimeout(limits.attempt())
                        .apiCallTimeout(limits.call())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(limits.maxAttempts())
                                .build())
                        // Behave the same whatever ~/.aws/config the unit has; nothing is read from it.
                        .defaultProfileFile(EmptyProfile.FILE)
                        .defaultProfileName("default"))
                .build();
    }

    /** Built on first use only. */
    private static final class EmptyProfile {
        static final ProfileFile FILE = ProfileFile.builder()
                .content(new ByteArrayInputStream(new byte[0]))
                .type(ProfileFile.Type.CONFIGURATION)
                .build();
    }
}
