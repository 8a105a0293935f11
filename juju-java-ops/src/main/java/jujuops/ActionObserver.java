package jujuops;

/** Runs one action and says how it ended; the framework applies the outcome. */
@FunctionalInterface
public interface ActionObserver {
    ActionOutcome handle(Event event);
}
