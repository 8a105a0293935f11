package jujuops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The names a charm declares in its charm directory: relation endpoints, containers and storages in
 * metadata.yaml, actions in actions.yaml. Each file is read on the first check that needs it, once per
 * dispatch; a charm that registers only fixed hooks reads neither.
 */
final class CharmMetadata {

    static final String METADATA = "metadata.yaml";
    static final String ACTIONS = "actions.yaml";
    private static final Set<String> SECTIONS = Set.of("requires", "provides", "peers", "containers", "storage");

    private final Path charmDir;
    private YamlOutline metadata;
    private Set<String> actions;

    CharmMetadata(Path charmDir) {
        this.charmDir = charmDir;
    }

    /** @throws IllegalArgumentException when metadata.yaml or actions.yaml does not declare the event's name */
    void check(HookEvent event) {
        switch (event.declared()) {
            case RELATION:
                YamlOutline m = metadata();
                Set<String> endpoints = new LinkedHashSet<>(m.keysOf("requires"));
                endpoints.addAll(m.keysOf("provides"));
                endpoints.addAll(m.keysOf("peers"));
                require(endpoints, "relation endpoint", event.declaredName(), METADATA);
                return;
            case CONTAINER:
                require(metadata().keysOf("containers"), "container", event.declaredName(), METADATA);
                return;
            case STORAGE:
                require(metadata().keysOf("storage"), "storage", event.declaredName(), METADATA);
                return;
            default:
                // Juju's fixed hooks always exist; a custom event is the charm's own.
        }
    }

    void check(ActionEvent event) {
        if (actions == null) {
            String text = read(ACTIONS);
            actions = text == null ? Set.of() : YamlOutline.parse(ACTIONS, text, Set.of()).topLevel();
        }
        require(actions, "action", event.name(), ACTIONS);
    }

    private YamlOutline metadata() {
        if (metadata == null) {
            String text = read(METADATA);
            if (text == null) {
                throw new IllegalStateException("no " + METADATA + " in the charm directory " + charmDir
                        + ": cannot check the names observers are registered for");
            }
            metadata = YamlOutline.parse(METADATA, text, SECTIONS);
        }
        return metadata;
    }

    private static void require(Set<String> declared, String what, String name, String file) {
        if (!declared.contains(name)) {
            throw new IllegalArgumentException("no " + what + " \"" + name + "\" in " + file
                    + (declared.isEmpty() ? "" : " (it declares " + String.join(", ", declared) + ")"));
        }
    }

    /** The file's text, or null when the charm has no such file. */
    private String read(String file) {
        try {
            return new String(Files.readAllBytes(charmDir.resolve(file)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + charmDir.resolve(file), e);
        }
    }
}
