package jujuops;

/**
 * Proposes the unit's (or, on the leader, the application's) status at the end of every dispatch that
 * succeeded. Collectors should read facts the handlers recorded (stored state, relation data) rather
 * than ask outside systems: they run on every hook and action.
 */
@FunctionalInterface
public interface StatusCollector {
    void collect(CollectStatus statuses);
}
