package jujuops.store;

/** A store in memory, for tests. */
public final class MemoryUnitStateStore implements UnitStateStore {

    private UnitState state;

    public MemoryUnitStateStore(UnitState initial) {
        this.state = initial;
    }

    @Override
    public UnitState load() {
        return state;
    }

    @Override
    public void save(UnitState newState) {
        this.state = newState;
    }
}
