package jujuops;

/**
 * Handles one hook (or a charm library's event) and says what should happen; the framework applies
 * the outcome.
 *
 * <p>Observers are registered with a stable key ({@link Framework#observe(HookEvent, String, HookObserver)});
 * a deferred event is stored with that key, never with an object identity, so the next process can find
 * the observer again.
 */
@FunctionalInterface
public interface HookObserver {
    HookOutcome handle(Event event);
}
