package jujuops.model;

/**
 * A hook tool exited zero but answered something the framework cannot read (not JSON, or not the shape
 * the tool documents). That is bad input from the environment, not a bug in the charm: the framework
 * defers the hook event that met it (its observer runs again at the next dispatch) and fails an action
 * with a clear message, instead of failing the whole dispatch, which Juju would retry without end.
 * The message names the tool and what was expected, never the output itself (it may hold a secret).
 */
public class HookToolOutputError extends ModelError {
    public HookToolOutputError(String message) {
        super(message);
    }
}
