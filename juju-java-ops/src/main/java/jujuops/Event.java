package jujuops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One thing that happened, with a snapshot of the facts needed to handle it again later.
 *
 * <p>An event is a name plus a string snapshot; that is all a deferred event keeps across processes,
 * so a re-emitted event is indistinguishable from the original. Names are Juju's hook and action names
 * ({@code update-status}, {@code s3-parameters-relation-changed}, {@code create-backup}) or, for events
 * raised by charm libraries, a name the library chooses ({@code s3-credentials-changed}).
 */
public final class Event {

    /** Where an event came from; decides which snapshot keys it has and whether it may be deferred. */
    public enum Kind { HOOK, RELATION, WORKLOAD, STORAGE, SECRET, ACTION, CUSTOM }

    /** Snapshot keys. */
    public static final String RELATION_ENDPOINT = "relation-endpoint";
    public static final String RELATION_ID = "relation-id";
    public static final String REMOTE_APP = "remote-app";
    public static final String REMOTE_UNIT = "remote-unit";
    public static final String DEPARTING_UNIT = "departing-unit";
    public static final String WORKLOAD = "workload";
    public static final String STORAGE = "storage";
    public static final String SECRET_URI = "secret-uri";
    public static final String SECRET_LABEL = "secret-label";
    public static final String SECRET_REVISION = "secret-revision";

    private static final String[] RELATION_SUFFIXES = {
        "-relation-created", "-relation-joined", "-relation-changed", "-relation-departed", "-relation-broken"};
    private static final String[] WORKLOAD_SUFFIXES = {
        "-pebble-ready", "-pebble-custom-notice", "-pebble-check-failed", "-pebble-check-recovered"};
    private static final String[] STORAGE_SUFFIXES = {"-storage-attached", "-storage-detaching"};

    private final String name;
    private final Kind kind;
    private final Map<String, String> snapshot;

    public Event(String name, Kind kind, Map<String, String> snapshot) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an event needs a name");
        }
        this.name = name;
        this.kind = kind;
        this.snapshot = Map.copyOf(snapshot);
    }

    /**
     * An event raised by charm code or a charm library, e.g. the S3 requirer's credentials-changed; emit
     * it with {@link Framework#emit}.
     */
    public static Event custom(HookEvent type, Map<String, String> snapshot) {
        if (type.declared() != HookEvent.Declared.CUSTOM) {
            throw new IllegalArgumentException(type.name() + " is a Juju hook, not a custom event; only Juju raises it");
        }
        return new Event(type.name(), Kind.CUSTOM, snapshot);
    }

    /** True for the names of Juju's hooks about relations, workloads and storage. */
    static boolean isJujuHookName(String name) {
        return endsWithAny(name, RELATION_SUFFIXES) || endsWithAny(name, WORKLOAD_SUFFIXES)
                || endsWithAny(name, STORAGE_SUFFIXES);
    }

    /** Maps {@code JUJU_DISPATCH_PATH} and its companion variables to the event that fired. */
    static Event fromDispatch(JujuContext ctx) {
        String path = ctx.dispatchPath();
        if (path.startsWith("actions/")) {
            return new Event(path.substring("actions/".length()), Kind.ACTION, Map.of());
        }
        String hook = path.startsWith("hooks/") ? path.substring("hooks/".length()) : path;
        Map<String, String> snap = new LinkedHashMap<>();
        Kind kind = Kind.HOOK;
        if (endsWithAny(hook, RELATION_SUFFIXES)) {
            kind = Kind.RELATION;
            put(snap, RELATION_ENDPOINT, ctx.get("JUJU_RELATION"));
            put(snap, RELATION_ID, ctx.get("JUJU_RELATION_ID"));
            put(snap, REMOTE_APP, ctx.get("JUJU_REMOTE_APP"));
            put(snap, REMOTE_UNIT, ctx.get("JUJU_REMOTE_UNIT"));
            put(snap, DEPARTING_UNIT, ctx.get("JUJU_DEPARTING_UNIT"));
        } else if (endsWithAny(hook, WORKLOAD_SUFFIXES)) {
            kind = Kind.WORKLOAD;
            put(snap, WORKLOAD, ctx.get("JUJU_WORKLOAD_NAME"));
        } else if (endsWithAny(hook, STORAGE_SUFFIXES)) {
            kind = Kind.STORAGE;
            put(snap, STORAGE, ctx.get("JUJU_STORAGE_ID"));
        } else if (hook.startsWith("secret-")) {
            kind = Kind.SECRET;
            put(snap, SECRET_URI, ctx.get("JUJU_SECRET_ID"));
            put(snap, SECRET_LABEL, ctx.get("JUJU_SECRET_LABEL"));
            put(snap, SECRET_REVISION, ctx.get("JUJU_SECRET_REVISION"));
        }
        return new Event(hook, kind, snap);
    }

    private static boolean endsWithAny(String s, String[] suffixes) {
        for (String suffix : suffixes) {
            if (s.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static void put(Map<String, String> snap, String key, Optional<String> value) {
        if (value.isPresent()) {
            snap.put(key, value.get());
        }
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public Map<String, String> snapshot() {
        return snapshot;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(snapshot.get(key));
    }

    /** The relation id as Juju writes it, e.g. {@code s3-parameters:3}, for relation events. */
    public Optional<String> relationId() {
        return get(RELATION_ID);
    }

    public Optional<String> remoteApp() {
        return get(REMOTE_APP);
    }

    /** The secret a secret event is about ({@code JUJU_SECRET_ID}). */
    public Optional<String> secretId() {
        return get(SECRET_URI);
    }

    /** This charm's label for the event's secret, when it gave one. */
    public Optional<String> secretLabel() {
        return get(SECRET_LABEL);
    }

    /** The revision a secret-expired or secret-remove event is about. */
    public OptionalInt secretRevision() {
        Optional<String> value = get(SECRET_REVISION);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.get()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("JUJU_SECRET_REVISION is not a number: " + value.get(), e);
        }
    }

    /** The storage instance a storage event is about, e.g. {@code data/0} ({@code JUJU_STORAGE_ID}). */
    public Optional<String> storageId() {
        return get(STORAGE);
    }

    public boolean isAction() {
        return kind == Kind.ACTION;
    }

    /** True when this is that hook or custom event. */
    public boolean is(HookEvent type) {
        return kind != Kind.ACTION && name.equals(type.name());
    }

    /** True when this is that action. */
    public boolean is(ActionEvent type) {
        return kind == Kind.ACTION && name.equals(type.name());
    }

    /** The relation this event breaks, during {@code <endpoint>-relation-broken}. */
    Optional<String> breakingRelationId() {
        return kind == Kind.RELATION && name.endsWith("-relation-broken") ? relationId() : Optional.empty();
    }

    @Override
    public String toString() {
        return snapshot.isEmpty() ? name : name + snapshot;
    }
}
