package postgresqlk8s.s3;

import java.util.function.Consumer;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * Creating a bucket on AWS and on S3-compatible servers. The SDK adds the location constraint AWS wants
 * outside us-east-1 (the client's region); servers that know no such region (S3Proxy, many Ceph and
 * MinIO set-ups) refuse it with {@code InvalidLocationConstraint}, so then the bucket is created without one.
 */
final class BucketCreation {

    private static final Logger LOG = Logs.get(BucketCreation.class);
    private static final ExecutionAttribute<Boolean> WITHOUT_LOCATION_CONSTRAINT =
            new ExecutionAttribute<>("postgresqlk8s.s3.withoutLocationConstraint");

    private BucketCreation() {}

    /**
     * Creates the bucket; one we already own is fine. SDK failures propagate.
     *
     * @param perCall the bounds of each request (interactive: a hook waits on it)
     */
    static void create(S3Client c, S3Parameters s3, Consumer<AwsRequestOverrideConfiguration.Builder> perCall) {
        try {
            c.createBucket(b -> b.bucket(s3.bucket()).overrideConfiguration(perCall));
        } catch (AwsServiceException e) {
            String code = AwsFailures.errorCode(e);
            if ("BucketAlreadyOwnedByYou".equals(code)) {
                return;
            }
            if (!"InvalidLocationConstraint".equals(code)) {
                throw e;
            }
            LOG.info("the S3 server refused location constraint {}; creating bucket {} without one",
                    s3.region(), s3.bucket());
            c.createBucket(b -> b.bucket(s3.bucket()).overrideConfiguration(o -> {
                perCall.accept(o);
                o.putExecutionAttribute(WITHOUT_LOCATION_CONSTRAINT, Boolean.TRUE);
            }));
        }
        LOG.info("created bucket {} (region {})", s3.bucket(), s3.region());
    }

    /** Takes the SDK's location constraint out again where a call asks for that; every client has one. */
    static final class LocationConstraintRemover implements ExecutionInterceptor {
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
}
