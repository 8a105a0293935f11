package jujuops;

/**
 * A hook a charm can observe: one of Juju's fixed hooks, a hook named after something the charm
 * declares in metadata.yaml (a relation endpoint, a container, a storage), or an event a charm library
 * raises ({@link #custom}). {@link Framework#observe(HookEvent, String, HookObserver)} checks declared
 * names against metadata.yaml, so a misspelt endpoint fails at registration instead of never firing.
 */
public final class HookEvent {

    /** What metadata.yaml must declare for the hook to exist. */
    enum Declared { NOTHING, RELATION, CONTAINER, STORAGE, CUSTOM }

    public static final HookEvent INSTALL = fixed("install");
    public static final HookEvent START = fixed("start");
    public static final HookEvent STOP = fixed("stop");
    public static final HookEvent REMOVE = fixed("remove");
    public static final HookEvent CONFIG_CHANGED = fixed("config-changed");
    public static final HookEvent UPGRADE_CHARM = fixed("upgrade-charm");
    public static final HookEvent UPDATE_STATUS = fixed("update-status");
    public static final HookEvent LEADER_ELECTED = fixed("leader-elected");
    public static final HookEvent LEADER_SETTINGS_CHANGED = fixed("leader-settings-changed");
    public static final HookEvent SECRET_CHANGED = fixed("secret-changed");
    public static final HookEvent SECRET_ROTATE = fixed("secret-rotate");
    public static final HookEvent SECRET_EXPIRED = fixed("secret-expired");
    public static final HookEvent SECRET_REMOVE = fixed("secret-remove");
    public static final HookEvent PRE_SERIES_UPGRADE = fixed("pre-series-upgrade");
    public static final HookEvent POST_SERIES_UPGRADE = fixed("post-series-upgrade");

    private static final HookEvent[] FIXED = {
        INSTALL, START, STOP, REMOVE, CONFIG_CHANGED, UPGRADE_CHARM, UPDATE_STATUS, LEADER_ELECTED,
        LEADER_SETTINGS_CHANGED, SECRET_CHANGED, SECRET_ROTATE, SECRET_EXPIRED, SECRET_REMOVE,
        PRE_SERIES_UPGRADE, POST_SERIES_UPGRADE};

    private final String name;
    private final Declared declared;
    private final String declaredName;

    private HookEvent(String name, Declared declared, String declaredName) {
        this.name = name;
        this.declared = declared;
        this.declaredName = declaredName;
    }

    private static HookEvent fixed(String name) {
        return new HookEvent(name, Declared.NOTHING, null);
    }

    private static HookEvent declared(String declaredName, String suffix, Declared declared) {
        if (declaredName == null || declaredName.isBlank()) {
            throw new IllegalArgumentException("a " + suffix.substring(1) + " hook needs a name");
        }
        return new HookEvent(declaredName + suffix, declared, declaredName);
    }

    public static HookEvent relationCreated(String endpoint) {
        return declared(endpoint, "-relation-created", Declared.RELATION);
    }

    public static HookEvent relationJoined(String endpoint) {
        return declared(endpoint, "-relation-joined", Declared.RELATION);
    }

    public static HookEvent relationChanged(String endpoint) {
        return declared(endpoint, "-relation-changed", Declared.RELATION);
    }

    public static HookEvent relationDeparted(String endpoint) {
        return declared(endpoint, "-relation-departed", Declared.RELATION);
    }

    /** The relation is gone: during this hook the model no longer lists it, though the event names it. */
    public static HookEvent relationBroken(String endpoint) {
        return declared(endpoint, "-relation-broken", Declared.RELATION);
    }

    public static HookEvent pebbleReady(String container) {
        return declared(container, "-pebble-ready", Declared.CONTAINER);
    }

    public static HookEvent pebbleCustomNotice(String container) {
        return declared(container, "-pebble-custom-notice", Declared.CONTAINER);
    }

    public static HookEvent pebbleCheckFailed(String container) {
        return declared(container, "-pebble-check-failed", Declared.CONTAINER);
    }

    public static HookEvent pebbleCheckRecovered(String container) {
        return declared(container, "-pebble-check-recovered", Declared.CONTAINER);
    }

    public static HookEvent storageAttached(String storage) {
        return declared(storage, "-storage-attached", Declared.STORAGE);
    }

    public static HookEvent storageDetaching(String storage) {
        return declared(storage, "-storage-detaching", Declared.STORAGE);
    }

    /**
     * An event raised by charm code, e.g. a relation library's {@code s3-credentials-changed}; it is
     * emitted with {@link Event#custom} and may be deferred like a hook.
     *
     * @throws IllegalArgumentException for a name Juju uses for its own hooks
     */
    public static HookEvent custom(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a custom event needs a name");
        }
        if (Event.isJujuHookName(name) || isFixed(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is a Juju hook name; observe it with HookEvent's constants and factories");
        }
        return new HookEvent(name, Declared.CUSTOM, null);
    }

    private static boolean isFixed(String name) {
        for (HookEvent e : FIXED) {
            if (e.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The hook's name as Juju dispatches it, e.g. {@code s3-parameters-relation-changed}. */
    public String name() {
        return name;
    }

    Declared declared() {
        return declared;
    }

    /** The endpoint, container or storage name metadata.yaml must declare; null for the others. */
    String declaredName() {
        return declaredName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HookEvent && ((HookEvent) o).name.equals(name) && ((HookEvent) o).declared == declared;
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
