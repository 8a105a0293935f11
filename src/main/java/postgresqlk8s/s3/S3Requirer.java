package postgresqlk8s.s3;

import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookObserver;
import jujuops.HookOutcome;
import jujuops.model.Relation;

/**
 * The requirer side of the {@code s3} interface (v0), as a charm library: asks for a bucket when the
 * relation joins, and turns Juju's relation hooks into "credentials changed" and "credentials gone".
 */
public final class S3Requirer implements HookObserver {

    public static final HookEvent CREDENTIALS_CHANGED = HookEvent.custom("s3-credentials-changed");
    public static final HookEvent CREDENTIALS_GONE = HookEvent.custom("s3-credentials-gone");
    public static final String BUCKET_CONFIG = "s3-bucket";

    private static final Logger LOG = Logs.get(S3Requirer.class);

    private final Framework framework;
    private final String endpoint;
    private final HookEvent joined;
    private final HookEvent changed;
    private final HookEvent broken;

    private S3Requirer(Framework framework, String endpoint) {
        this.framework = framework;
        this.endpoint = endpoint;
        this.joined = HookEvent.relationJoined(endpoint);
        this.changed = HookEvent.relationChanged(endpoint);
        this.broken = HookEvent.relationBroken(endpoint);
    }

    /** Registers the library's observers for the relation endpoint. */
    public static S3Requirer register(Framework framework, String endpoint) {
        S3Requirer lib = new S3Requirer(framework, endpoint);
        framework.observe(lib.joined, "S3Requirer.onJoined", lib);
        framework.observe(lib.changed, "S3Requirer.onChanged", lib);
        framework.observe(lib.broken, "S3Requirer.onBroken", lib);
        return lib;
    }

    /** Routes Juju's relation hooks; one observer instead of a lambda each keeps hook start-up lean. */
    @Override
    public HookOutcome handle(Event event) {
        if (event.is(joined)) {
            return onJoined(event);
        }
        if (event.is(changed)) {
            return onChanged(event);
        }
        if (event.is(broken)) {
            return onBroken(event);
        }
        throw new IllegalStateException("S3Requirer has no handler for " + event.name());
    }

    /** The relation, if there is one. */
    public Optional<Relation> relation() {
        return framework.model().relation(endpoint);
    }

    /** What the provider's application databag says now; empty when there is no relation. */
    public Optional<S3Settings.Reading> read() {
        return relation().map(r -> S3Settings.read(r.remoteAppData().asMap()));
    }

    private HookOutcome onJoined(Event event) {
        if (!framework.model().isLeader()) {
            return HookOutcome.done();
        }
        String id = event.relationId().orElseThrow();
        Relation relation = framework.model().relationById(endpoint, id).orElse(null);
        if (relation == null) {
            return HookOutcome.done();
        }
        String bucket = framework.model().config().getString(BUCKET_CONFIG).orElse("relation-" + relation.number());
        relation.localAppData().put("bucket", bucket);
        LOG.info("asked the s3 provider for bucket {}", bucket);
        return HookOutcome.done();
    }

    private HookOutcome onChanged(Event event) {
        Optional<Relation> relation = event.relationId().flatMap(id -> framework.model().relationById(endpoint, id));
        if (relation.isEmpty()) {
            return HookOutcome.done();
        }
        Map<String, String> data = relation.get().remoteAppData().asMap();
        if (!nonEmpty(data.get("access-key")) || !nonEmpty(data.get("secret-key"))) {
            LOG.debug("s3 provider has not given credentials yet");
            return HookOutcome.done();
        }
        framework.emit(Event.custom(CREDENTIALS_CHANGED, event.snapshot()));
        return HookOutcome.done();
    }

    private HookOutcome onBroken(Event event) {
        framework.emit(Event.custom(CREDENTIALS_GONE, event.snapshot()));
        return HookOutcome.done();
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isBlank();
    }
}
