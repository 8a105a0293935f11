package postgresqlk8s.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * {@link ObjectStore} on the AWS SDK v2 with the JDK's URL connection as HTTP client, for AWS and
 * S3-compatible servers (Ceph, MinIO, S3Proxy): path-style when asked, checksums only where the API
 * requires them, and TLS trust limited to the relation's CA chain when it gives one.
 *
 * <p>Cheap to create: the client is built on first use, for the parameters of that call, and kept
 * while later calls use the same parameters. One instance lives for one Juju hook; {@link #close()} it.
 *
 * <p>Failures become {@link ObjectStoreException}s that say the operation, the bucket and key, the
 * endpoint and the reason (HTTP status and S3 error code, connection refused, TLS failure, time-out);
 * never the access key or the secret key.
 */
public final class AwsObjectStore implements ObjectStore, AutoCloseable {

    /** How long calls may take; a failing call gives up after at most {@link #maxAttempts} attempts. */
    record Limits(Duration connect, Duration socket, Duration attempt, Duration call, int maxAttempts) {
        /** For a hook: a dead endpoint costs seconds, a slow one at most a minute per call. */
        static final Limits DEFAULT = new Limits(
                Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(25), Duration.ofSeconds(60), 3);

        Limits {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }
    }

    private static final Logger LOG = Logs.get(AwsObjectStore.class);
    private static final ExecutionAttribute<Boolean> WITHOUT_LOCATION_CONSTRAINT =
            new ExecutionAttribute<>("postgresqlk8s.s3.withoutLocationConstraint");

    /** How long the connection ahead of use may take before later calls stop waiting for it. */
    static final Duration CONNECT_AHEAD_LIMIT = Duration.ofSeconds(3);

    private final Limits limits;
    private volatile CountDownLatch connectionAhead;
    private S3Parameters clientParameters;
    private S3Client client;

    public AwsObjectStore() {
        this(Limits.DEFAULT);
    }

    AwsObjectStore(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void ensureBucket(S3Parameters s3) throws ObjectStoreException {
        boolean exists = call("check bucket " + s3.bucket(), s3, c -> {
            try {
                c.headBucket(b -> b.bucket(s3.bucket()));
                return true;
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
        if (exists) {
            LOG.debug("bucket {} exists", s3.bucket());
            return;
        }
        call("create bucket " + s3.bucket(), s3, c -> {
            createBucket(c, s3);
            return null;
        });
    }

    @Override
    public void put(S3Parameters s3, String key, String content) throws ObjectStoreException {
        String k = normaliseKey(key);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(s3.bucket())
                .key(k)
                // Upper case as Jetty (S3Proxy) rewrites it before checking the signature, which covers it.
                .contentType("text/plain; charset=UTF-8");
        s3.storageClass().ifPresent(request::storageClass);
        call("write s3://" + s3.bucket() + "/" + k, s3,
                c -> c.putObject(request.build(), RequestBody.fromString(content, StandardCharsets.UTF_8)));
    }

    @Override
    public Optional<String> get(S3Parameters s3, String key) throws ObjectStoreException {
        String k = normaliseKey(key);
        return call("read s3://" + s3.bucket() + "/" + k, s3, c -> {
            try {
                return Optional.of(c.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(k)).asUtf8String());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                    return Optional.empty();
                }
                throw e;
            }
        });
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

    /**
     * Creates the bucket. The SDK adds the location constraint AWS wants outside us-east-1 (the
     * client's region); S3-compatible servers that know no such region (S3Proxy, many Ceph and MinIO
     * set-ups) refuse it with {@code InvalidLocationConstraint}, so then the bucket is created without one.
     */
    private static void createBucket(S3Client c, S3Parameters s3) {
        try {
            c.createBucket(b -> b.bucket(s3.bucket()));
        } catch (AwsServiceException e) {
            String code = errorCode(e);
            if ("BucketAlreadyOwnedByYou".equals(code)) {
                return;
            }
            if (!"InvalidLocationConstraint".equals(code)) {
                throw e;
            }
            LOG.info("the S3 server refused location constraint {}; creating bucket {} without one",
                    s3.region(), s3.bucket());
            c.createBucket(b -> b.bucket(s3.bucket())
                    .overrideConfiguration(o -> o.putExecutionAttribute(WITHOUT_LOCATION_CONSTRAINT, Boolean.TRUE)));
        }
        LOG.info("created bucket {} (region {})", s3.bucket(), s3.region());
    }

    /** Takes the SDK's location constraint out again where a call asks for that. */
    private static final class LocationConstraintRemover implements ExecutionInterceptor {
        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof CreateBucketRequest
                    && Boolean.TRUE.equals(attributes.getAttribute(WITHOUT_LOCATION_CONSTRAINT))) {
                return ((CreateBucketRequest) request).toBuilder()
                        .createBucketConfiguration((CreateBucketConfiguration) null)
                        .build();
            }
            return request;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(S3Client client);
    }

    /** Runs one SDK call, turning every way it can fail into an {@link ObjectStoreException}. */
    private <T> T call(String what, S3Parameters s3, Call<T> call) throws ObjectStoreException {
        awaitConnectionAhead();
        S3Client c = client(s3, what);
        try {
            return call.run(c);
        } catch (SdkException e) {
            throw failure(what, s3, e);
        } catch (IllegalArgumentException e) {
            // the SDK's own checks, e.g. of the bucket name; they carry no key
            throw new ObjectStoreException("cannot " + what + ": " + scrub(String.valueOf(e.getMessage()), s3));
        }
    }

    /** As the reference charm does: a key never starts with {@code /}. */
    static String normaliseKey(String key) {
        int i = 0;
        while (i < key.length() && key.charAt(i) == '/') {
            i++;
        }
        return key.substring(i);
    }

    // ---- the client ------------------------------------------------------------------------------

    /**
     * Builds the client for these settings without any request, so that a flow can pay for it on
     * another thread while it does other work.
     */
    @Override
    public void warmUp() {
        S3Parameters inert = new S3Parameters("warm-up", "warm-up", "warm-up", "https://127.0.0.1:1", "us-east-1", "/",
                "path", Optional.empty(), Optional.empty(), List.of());
        try {
            build(inert).close();
        } catch (RuntimeException e) {
            LOG.debug("S3 client warm-up failed: {}", e.getMessage());
        }
    }

    /**
     * A HEAD of the bucket: one signed request over the connection later calls reuse (keep-alive). It
     * gives up after {@link #CONNECT_AHEAD_LIMIT}; calls made meanwhile wait for it rather than race it
     * with a second handshake.
     */
    @Override
    public void connect(S3Parameters s3) {
        CountDownLatch done = new CountDownLatch(1);
        connectionAhead = done;
        long start = System.nanoTime();
        try {
            client(s3, "connect").headBucket(HeadBucketRequest.builder().bucket(s3.bucket())
                    .overrideConfiguration(o -> o.apiCallTimeout(CONNECT_AHEAD_LIMIT)).build());
        } catch (ObjectStoreException | RuntimeException e) {
            // best effort, also when the hook closes the client first: the real call reports failures
            LOG.debug("S3 connection ahead of use: {}", scrub(String.valueOf(e.getMessage()), s3));
        } finally {
            done.countDown();
        }
        LOG.debug("S3 connection ahead of use in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private void awaitConnectionAhead() {
        CountDownLatch ahead = connectionAhead;
        if (ahead == null) {
            return;
        }
        try {
            ahead.await(CONNECT_AHEAD_LIMIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds the client for these settings without a request (the start-up probe measures this). */
    public void prepare(S3Parameters s3) throws ObjectStoreException {
        client(s3, "prepare the S3 client");
    }

    private synchronized S3Client client(S3Parameters s3, String what) throws ObjectStoreException {
        if (client != null && s3.equals(clientParameters)) {
            return client;
        }
        close();
        long start = System.nanoTime();
        try {
            client = build(s3);
        } catch (IllegalArgumentException e) {
            throw new ObjectStoreException("cannot " + what + ": " + scrub(String.valueOf(e.getMessage()), s3));
        }
        clientParameters = s3;
        LOG.debug("S3 client for {} built in {} ms", s3, (System.nanoTime() - start) / 1_000_000);
        return client;
    }

    private S3Client build(S3Parameters s3) {
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                .connectionTimeout(limits.connect())
                .socketTimeout(limits.socket());
        if (!s3.caChain().isEmpty()) {
            TrustManager[] trust = trustManagers(s3.caChain());
            http.tlsTrustManagersProvider(() -> trust);
        }
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(http)
                .endpointOverride(endpoint(s3.endpoint()))
                .region(Region.of(s3.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .forcePathStyle(s3.pathStyle())
                // Recent SDKs add CRC checksums to every upload by default, which many S3-compatible
                // servers reject or mangle; send and check them only where the API requires it.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .addExecutionInterceptor(new LocationConstraintRemover())
                        .apiCallAttemptTimeout(limits.attempt())
                        .apiCallTimeout(limits.call())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(limits.maxAttempts())
                                .build())
                        // Behave the same whatever ~/.aws/config the unit has; nothing is read from it.
                        .defaultProfileFile(EmptyProfile.FILE)
                        .defaultProfileName("default"));
        return b.build();
    }

    /** Built on first use only. */
    private static final class EmptyProfile {
        static final ProfileFile FILE = ProfileFile.builder()
                .content(new ByteArrayInputStream(new byte[0]))
                .type(ProfileFile.Type.CONFIGURATION)
                .build();
    }

    /**
     * The endpoint as a URI the SDK takes: {@code https://} added to a bare {@code host} or
     * {@code host:port}, trailing slashes and any user-info dropped.
     *
     * @throws IllegalArgumentException when it is no http(s) URL
     */
    static URI endpoint(String raw) {
        String s = raw.strip();
        while (s.endsWith("/") && !s.endsWith("://")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            s = S3Parameters.DEFAULT_ENDPOINT;
        }
        if (!s.contains("://")) {
            s = "https://" + s;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the endpoint is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("the endpoint must be an http or https URL, not " + scheme);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("the endpoint names no host");
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the endpoint is not a valid URL (" + e.getReason() + ")");
        }
    }

    /**
     * Trust managers that trust exactly the certificates in {@code pems}; each entry may hold several
     * PEM blocks.
     *
     * @throws IllegalArgumentException when an entry holds no certificate or cannot be read
     */
    static TrustManager[] trustManagers(List<String> pems) {
        try {
            return trustManagerFactory(certificates(pems)).getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use tls-ca-chain (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Every certificate in {@code pems}, in order. */
    static List<Certificate> certificates(List<String> pems) {
        List<Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (int i = 0; i < pems.size(); i++) {
            Collection<? extends Certificate> certs;
            try {
                certs = factory.generateCertificates(
                        new ByteArrayInputStream(pems.get(i).strip().getBytes(StandardCharsets.US_ASCII)));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("tls-ca-chain entry " + (i + 1) + " is not a PEM certificate");
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("tls-ca-chain entry " + (i + 1) + " holds no certificate");
            }
            out.addAll(certs);
        }
        return out;
    }

    private static TrustManagerFactory trustManagerFactory(List<Certificate> certs)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            store.setCertificateEntry("ca-" + i, certs.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }

    // ---- failures --------------------------------------------------------------------------------

    private static ObjectStoreException failure(String what, S3Parameters s3, SdkException e) {
        String message = "cannot " + what + " at " + safeEndpoint(s3) + ": " + reason(e);
        message = scrub(message, s3);
        return leaksKey(e, s3) ? new ObjectStoreException(message) : new ObjectStoreException(message, e);
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

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The endpoint without user-info, as far as it parses. */
    private static String safeEndpoint(S3Parameters s3) {
        try {
            return endpoint(s3.endpoint()).toString();
        } catch (IllegalArgumentException e) {
            return "the configured endpoint";
        }
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
    private static boolean leaksKey(Throwable e, S3Parameters s3) {
        for (Throwable t : chain(e)) {
            String m = t.getMessage();
            if (m != null && (contains(m, s3.accessKey()) || contains(m, s3.secretKey()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String text, String secret) {
        return !secret.isEmpty() && text.contains(secret);
    }

    static String scrub(String text, S3Parameters s3) {
        String out = text;
        for (String secret : List.of(s3.secretKey(), s3.accessKey())) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }
}
