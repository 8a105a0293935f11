package postgresqlk8s.backups;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import postgresqlk8s.s3.ObjectStore;
import postgresqlk8s.s3.ObjectStoreException;
import postgresqlk8s.s3.S3Parameters;

/** S3 in memory: objects by key, the operations asked for, and switches to make them fail. */
final class FakeObjectStore implements ObjectStore {

    final Map<String, String> objects = new LinkedHashMap<>();
    final List<String> requests = new ArrayList<>();
    boolean bucketFails;
    boolean putFails;
    /** Puts fail once this many have succeeded (-1: never). */
    int putsBeforeFailure = -1;
    /** Appended to every error message, e.g. an S3 error body that echoes the access key id. */
    String errorDetail = "";

    @Override
    public void ensureBucket(S3Parameters s3) throws ObjectStoreException {
        requests.add("ensureBucket " + s3.bucket());
        if (bucketFails) {
            throw new ObjectStoreException("HeadBucket " + s3.bucket() + ": 403 Forbidden" + errorDetail);
        }
    }

    @Override
    public void put(S3Parameters s3, String key, String content) throws ObjectStoreException {
        requests.add("put " + key);
        if (putFails || putsBeforeFailure == 0) {
            throw new ObjectStoreException("PutObject " + key + ": connection refused" + errorDetail);
        }
        if (putsBeforeFailure > 0) {
            putsBeforeFailure--;
        }
        objects.put(key, content);
    }

    @Override
    public Optional<String> get(S3Parameters s3, String key) throws ObjectStoreException {
        requests.add("get " + key);
        if (bucketFails) {
            throw new ObjectStoreException("GetObject " + key + ": 403 Forbidden" + errorDetail);
        }
        return Optional.ofNullable(objects.get(key));
    }
}
