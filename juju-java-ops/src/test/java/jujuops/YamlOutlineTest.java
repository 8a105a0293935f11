package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class YamlOutlineTest {

    private static final Set<String> SECTIONS = Set.of("requires", "provides", "peers", "containers", "storage");

    private static YamlOutline parse(String text) {
        return YamlOutline.parse("metadata.yaml", text, SECTIONS);
    }

    private static List<String> keys(YamlOutline outline, String section) {
        return List.copyOf(outline.keysOf(section));
    }

    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
    }

    // ---- real files -----------------------------------------------------------------------------

    @Test
    void postgresqlK8sMetadata() throws IOException {
        YamlOutline m = parse(Files.readString(Path.of("src/test/yaml/postgresql-k8s-metadata.yaml")));

        assertEquals(List.of("s3-parameters", "certificates"), keys(m, "requires"));
        assertEquals(List.of("database-peers", "restart", "upgrade"), keys(m, "peers"));
        assertEquals(List.of("postgresql"), keys(m, "containers"));
        assertEquals(List.of("pgdata"), keys(m, "storage"));
        assertEquals(List.of(), keys(m, "provides"));
        assertEquals(List.of("name", "display-name", "summary", "description", "docs", "source", "issues",
                "maintainers", "assumes", "containers", "resources", "storage", "peers", "requires"), List.copyOf(m.topLevel()));
    }

    @Test
    void postgresqlK8sActions() throws IOException {
        YamlOutline a = YamlOutline.parse("actions.yaml",
                Files.readString(Path.of("src/test/yaml/postgresql-k8s-actions.yaml")), Set.of());

        assertEquals(List.of("create-backup", "list-backups", "restore"), List.copyOf(a.topLevel()));
    }

    // ---- tricky files ----------------------------------------------------------------------------

    @Test
    void commentsBlankLinesAndQuotedKeys() {
        YamlOutline m = parse("""
                # a comment
                ---
                requires:   # trailing comment

                  # an indented comment
                  "s3-parameters":
                    interface: s3
                  'db''s': {interface: pgsql}
                  plain : {}
                  "with: colon" : x
                  url#fragment: y
                """);

        assertEquals(List.of("s3-parameters", "db's", "plain", "with: colon", "url#fragment"), keys(m, "requires"));
    }

    @Test
    void blockScalars_hideLinesThatLookLikeKeys() {
        YamlOutline m = parse("""
                description: |
                  requires:
                    fake: {}
                  peers:

                  storage: nothing
                summary: >-
                  containers:
                provides:
                  db:
                    description: |
                      text
                    other: 1
                  metrics: {}
                """);

        assertEquals(List.of("description", "summary", "provides"), List.copyOf(m.topLevel()));
        assertEquals(List.of("db", "metrics"), keys(m, "provides"));
        assertEquals(List.of(), keys(m, "requires"));
    }

    @Test
    void quotedAndBracketedValues_acrossLines() {
        YamlOutline m = parse("""
                summary: "a summary that goes on
                storage: this line is still the summary \\" quoted
                "
                requires:
                  db: {interface: pgsql,
                  fake: "}",
                    limit: 1}
                  cache: [a,
                  b]
                  other: 'it''s
                  fake2: x'
                  last: it's plain
                """);

        assertEquals(List.of("summary", "requires"), List.copyOf(m.topLevel()));
        assertEquals(List.of("db", "cache", "other", "last"), keys(m, "requires"));
    }

    @Test
    void listsAnchorsTagsAndWindowsLineEnds() {
        YamlOutline m = parse("maintainers:\n- someone <a@b.c>\n- name: x\n  email: y\r\n"
                + "peers: &p\r\n  cluster:\r\n    interface: c\r\n  compact:\r\n  - a\r\n  - b\r\n"
                + "containers: !!map\n  pg:\n    mounts:\n      - storage: data\n");

        assertEquals(List.of("maintainers", "peers", "containers"), List.copyOf(m.topLevel()));
        assertEquals(List.of("cluster", "compact"), keys(m, "peers"));
        assertEquals(List.of("pg"), keys(m, "containers"));
    }

    @Test
    void emptySections() {
        YamlOutline m = parse("requires:\nprovides: {}\npeers: ~\nstorage: null  # none\n");

        assertEquals(List.of(), keys(m, "requires"));
        assertEquals(List.of(), keys(m, "provides"));
        assertEquals(List.of(), keys(m, "peers"));
        assertEquals(List.of(), keys(m, "storage"));
    }

    @Test
    void sectionsNotAsked_mayBeAnything() {
        YamlOutline m = parse("assumes:\n- k8s-api\nresources: [a]\n");

        assertEquals(List.of("assumes", "resources"), List.copyOf(m.topLevel()));
    }

    @Test
    void malformedFiles_areRefusedWithTheLine() {
        assertEquals("metadata.yaml line 2: \"requires\" is a list; expected a mapping of names",
                refusal("requires:\n  - db\n"));
        assertEquals("metadata.yaml line 2: \"requires\" is a list; expected a mapping of names",
                refusal("requires:\n- db\n"));
        assertEquals("metadata.yaml line 1: \"peers\" is \"cluster\"; expected a mapping of names",
                refusal("peers: cluster\n"));
        assertEquals("metadata.yaml line 3: the key \"b\" is indented less than the keys before it",
                refusal("requires:\n    a: {}\n  b: {}\n"));
        assertEquals("metadata.yaml line 2: a tab in the indentation", refusal("requires:\n\ta: {}\n"));
        assertEquals("metadata.yaml line 1: a quoted or bracketed value is not closed", refusal("summary: \"open\n\n"));
        assertEquals("metadata.yaml line 2: a quoted key is not closed", refusal("requires:\n  \"db: {}\n"));
    }
}
