package jujuops.store;

/** Where {@link UnitState} lives between processes. */
public interface UnitStateStore {

    UnitState load();

    /** Replaces the whole state at once: after a crash either the old or the new state is there. */
    void save(UnitState state);
}
