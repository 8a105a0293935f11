package jujuops;

/**
 * An action a charm can observe, by its name in actions.yaml.
 * {@link Framework#observe(ActionEvent, String, ActionObserver)} checks that actions.yaml declares it.
 */
public final class ActionEvent {

    private final String name;

    private ActionEvent(String name) {
        this.name = name;
    }

    public static ActionEvent named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an action needs a name");
        }
        return new ActionEvent(name);
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActionEvent && ((ActionEvent) o).name.equals(name);
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
