package jujuops;

import java.nio.file.Path;

/** The charm directory of the framework's tests: a metadata.yaml and an actions.yaml declaring a few names. */
public final class TestCharm {

    public static final Path DIR = Path.of("src/test/charm");

    private TestCharm() {}
}
