package jujuops;

/**
 * Builds the charm for one dispatch: creates its collaborators and registers its observers on the
 * framework. Called once per process, after the environment has been read.
 */
@FunctionalInterface
public interface CharmFactory {
    void setUp(Framework framework);
}
