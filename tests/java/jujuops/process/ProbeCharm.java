package jujuops.process;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jujuops.Dispatcher;
import jujuops.Event;
import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookOutcome;
import jujuops.model.Relation;
import jujuops.model.RelationDataAccessError;

/**
 * A charm for multi-process framework tests: every handler logs "handled <event> by <observer>", and
 * config options tell it to defer, to throw, or to write relation data. Its charm directory needs a
 * metadata.yaml declaring the {@code db} endpoint ({@link #METADATA}).
 */
public final class ProbeCharm {

    /** The metadata.yaml of its charm directory. */
    static final String METADATA = "name: probe\nrequires:\n  db:\n    interface: pgsql\n";
    private static final HookEvent DB_READY = HookEvent.custom("db-ready");
    private static final HookEvent DB_CHANGED = HookEvent.relationChanged("db");

    private static final Logger LOG = LoggerFactory.getLogger(ProbeCharm.class);

    private final Framework framework;

    private ProbeCharm(Framework framework) {
        this.framework = framework;
    }

    public static void main(String[] args) {
        Dispatcher.main(ProbeCharm::setUp);
    }

    static void setUp(Framework framework) {
        ProbeCharm charm = new ProbeCharm(framework);
        for (HookEvent hook : new HookEvent[] {HookEvent.INSTALL, HookEvent.UPDATE_STATUS, HookEvent.CONFIG_CHANGED, DB_CHANGED}) {
            framework.observe(hook, "Probe.first", event -> charm.first(event));
            framework.observe(hook, "Probe.second", event -> charm.second(event));
        }
        framework.observe(DB_READY, "Probe.onDbReady", charm::onDbReady);
    }

    private boolean option(String key) {
        return framework.model().config().getBoolean(key).orElse(false);
    }

    private HookOutcome first(Event event) {
        LOG.info("handled {} by first", event.name());
        if (event.is(DB_CHANGED)) {
            framework.emit(Event.custom(DB_READY, event.snapshot()));
        }
        if (option("defer-" + event.name())) {
            return HookOutcome.defer();
        }
        return HookOutcome.done();
    }

    private HookOutcome second(Event event) {
        LOG.info("handled {} by second", event.name());
        if (option("write-app-data") && event.relationId().isPresent()) {
            Relation relation = framework.model().relationById("db", event.relationId().get()).orElseThrow();
            try {
                relation.localAppData().put("written-by", framework.model().unitName());
                LOG.info("wrote app data");
            } catch (RelationDataAccessError e) {
                LOG.warn("refused: {}", e.getMessage());
            }
        }
        if (option("explode")) {
            throw new IllegalStateException("explode was set");
        }
        return HookOutcome.done();
    }

    private HookOutcome onDbReady(Event event) {
        Map<String, String> seen = new LinkedHashMap<>(event.snapshot());
        LOG.info("handled db-ready for {}", seen.get(Event.RELATION_ID));
        return option("defer-db-ready") ? HookOutcome.defer() : HookOutcome.done();
    }
}
