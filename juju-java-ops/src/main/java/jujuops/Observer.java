package jujuops;

/**
 * Handles one event and says what should happen; the framework applies the outcome.
 *
 * <p>Observers are registered with a stable key ({@link Framework#observe}); a deferred event is stored
 * with that key, never with an object identity, so the next process can find the observer again.
 */
@FunctionalInterface
public interface Observer {
    Outcome handle(Event event);
}
