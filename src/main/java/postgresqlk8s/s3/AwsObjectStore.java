package postgresqlk8s.s3;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * {@link ObjectStore} on the AWS SDK v2, for AWS and S3-compatible servers (Ceph, MinIO, S3Proxy):
 * path-style when asked, checksums only where the API requires them. The client is {@link AwsClients}',
 * its trust {@link PemTrust}'s; failures are translated by {@link AwsFailures}.
 *
 * <p>Cheap to create: the client is built on first use. One instance lives for one Juju hook;
 * {@link #close()} it.
 */
public final class AwsObjectStore implements ObjectStore, AutoCloseable {

    private static final Logger LOG = Logs.get(AwsObjectStore.class);

    /** Larger objects (backup logs) are transfers and keep the client's longer bounds. */
    static final int SMALL_OBJECT_BYTES = 64 * 1024;

    private final AwsClients clients;
    private final AwsClients.Limits interactive;
    private final ConnectionAhead ahead = new ConnectionAhead();

    public AwsObjectStore() {
        this(AwsClients.Limits.DEFAULT, AwsClients.Limits.INTERACTIVE);
    }

    /**
     * @param limits      the client's, for transfers
     * @param interactive per call, for the calls a hook waits on: bucket checks, reads, small writes
     */
    AwsObjectStore(AwsClients.Limits limits, AwsClients.Limits interactive) {
        this.clients = new AwsClients(limits);
        this.interactive = interactive;
    }

    @Override
    public void ensureBucket(S3Parameters s3) throws ObjectStoreException {
        boolean exists = call("check bucket " + s3.bucket(), s3, c -> {
            try {
                c.headBucket(b -> b.bucket(s3.bucket()).overrideConfiguration(interactive.perCall()));
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
            BucketCreation.create(c, s3, interactive.perCall());
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
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= SMALL_OBJECT_BYTES) {
            request.overrideConfiguration(interactive.perCall());
        }
        call("write s3://" + s3.bucket() + "/" + k, s3,
                c -> c.putObject(request.build(), RequestBody.fromBytes(bytes)));
    }

    @Override
    public Optional<String> get(S3Parameters s3, String key) throws ObjectStoreException {
        String k = normaliseKey(key);
        return call("read s3://" + s3.bucket() + "/" + k, s3, c -> {
            try {
                return Optional.of(c.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(k)
                        .overrideConfiguration(interactive.perCall())).asUtf8String());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404 && !"NoSuchBucket".equals(AwsFailures.errorCode(e))) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** Builds a client for inert settings without any request, so that a flow can pay for it on another thread. */
    @Override
    public void warmUp() {
        clients.warmUp();
    }

    /**
     * A HEAD of the bucket: one signed request over the connection later calls reuse (keep-alive). It
     * gives up after {@link ConnectionAhead#LIMIT}; calls made meanwhile wait for it.
     */
    @Override
    public void connect(S3Parameters s3) {
        long start = System.nanoTime();
        ahead.run(() -> {
            try {
                clients.of(s3).headBucket(HeadBucketRequest.builder().bucket(s3.bucket())
                        .overrideConfiguration(o -> o.apiCallTimeout(ConnectionAhead.LIMIT)).build());
            } catch (RuntimeException e) {
                // best effort, also when the hook closes the client first: the real call reports failures
                LOG.debug("S3 connection ahead of use: {}", s3.redactor().apply(String.valueOf(e.getMessage())));
            }
        });
        LOG.debug("S3 connection ahead of use in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Builds the client for these settings without a request (the start-up probe measures this). */
    public void prepare(S3Parameters s3) throws ObjectStoreException {
        try {
            clients.of(s3);
        } catch (IllegalArgumentException e) {
            throw AwsFailures.refused("prepare the S3 client", s3, e);
        }
    }

    /** Closes the client, if one was built. */
    @Override
    public void close() {
        clients.close();
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(S3Client client);
    }

    /** Runs one SDK call, turning every way it can fail into an {@link ObjectStoreException}. */
    private <T> T call(String what, S3Parameters s3, Call<T> call) throws ObjectStoreException {
        ahead.awaitDone();
        try {
            return call.run(clients.of(s3));
        } catch (SdkException e) {
            throw AwsFailures.of(what, s3, e);
        } catch (IllegalArgumentException e) {
            // the client's settings (CA chain) or the SDK's own checks, e.g. of the bucket name; no key in them
            throw AwsFailures.refused(what, s3, e);
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
}
