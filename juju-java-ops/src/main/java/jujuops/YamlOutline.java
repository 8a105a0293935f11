package jujuops;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The outline of a block-style YAML file: its top-level keys, and the keys one level down in chosen
 * top-level sections. Enough to know which relation endpoints, containers, storages and actions a
 * charm declares, without a YAML library on the start-up path of every hook. Values are skipped, block
 * scalars ({@code |}, {@code >}) and quoted or bracketed values that span lines included.
 */
final class YamlOutline {

    private final Set<String> topLevel;
    private final Map<String, Set<String>> sections;

    private YamlOutline(Set<String> topLevel, Map<String, Set<String>> sections) {
        this.topLevel = topLevel;
        this.sections = sections;
    }

    /**
     * Reads the outline.
     *
     * @param file     the file's name, for messages
     * @param sections the top-level sections whose keys to take; each must be a mapping
     * @throws IllegalArgumentException when the text is not block-style YAML this reader understands
     */
    static YamlOutline parse(String file, String text, Set<String> sections) {
        return new Reader(file, sections).read(text);
    }

    Set<String> topLevel() {
        return topLevel;
    }

    /** The keys of a chosen section; empty when the file has no such section. */
    Set<String> keysOf(String section) {
        Set<String> keys = sections.get(section);
        return keys == null ? Set.of() : keys;
    }

    /** One pass over the lines; fields hold what spans lines. */
    private static final class Reader {
        private final String file;
        private final Set<String> wanted;
        private final Set<String> topLevel = new LinkedHashSet<>();
        private final Map<String, Set<String>> sections = new LinkedHashMap<>();
        private int lineNumber;
        /** While skipping a block scalar: the indentation of the key that owns it; else -1. */
        private int blockOwner = -1;
        /** While skipping a value that spans lines: the scanner still inside it; else null. */
        private ValueScanner openValue;
        private int openValueLine;
        /** The wanted section being read and its name; null outside one. */
        private Set<String> section;
        private String sectionName;
        /** Indentation of the current section's keys, -1 until its first key. */
        private int childIndent = -1;

        Reader(String file, Set<String> wanted) {
            this.file = file;
            this.wanted = wanted;
        }

        YamlOutline read(String text) {
            String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
            for (String raw : body.split("\n", -1)) {
                lineNumber++;
                line(raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw);
            }
            if (openValue != null) {
                lineNumber = openValueLine;
                throw error("a quoted or bracketed value is not closed");
            }
            return new YamlOutline(topLevel, sections);
        }

        private void line(String line) {
            int indent = indentOf(line);
            boolean blank = line.isBlank() || line.charAt(indent) == '#';
            if (blockOwner >= 0) {
                if (blank || indent > blockOwner) {
                    return;
                }
                blockOwner = -1;
            }
            if (openValue != null) {
                if (openValue.scan(line, 0)) {
                    openValue = null;
                }
                return;
            }
            if (blank || (indent == 0 && (line.startsWith("---") || line.startsWith("...")))) {
                return;
            }
            if (line.charAt(indent) == '\t') {
                throw error("a tab in the indentation");
            }
            boolean item = line.charAt(indent) == '-' && (line.length() == indent + 1 || line.charAt(indent + 1) == ' ');
            if (item) {
                sequenceItem(line, indent);
                return;
            }
            int colon = keyEnd(line, indent);
            if (colon < 0) {
                return; // a plain scalar's continuation line
            }
            key(unquote(line.substring(indent, colon).trim()), indent);
            value(line, colon + 1, indent);
        }

        private void sequenceItem(String line, int indent) {
            if (section != null && (indent == 0 || childIndent < 0)) {
                throw error("\"" + sectionName + "\" is a list; expected a mapping of names");
            }
            if (section != null && indent < childIndent) {
                throw error("a list item indented less than the keys before it");
            }
            int start = indent + 1;
            while (start < line.length() && line.charAt(start) == ' ') {
                start++;
            }
            int colon = keyEnd(line, start);
            if (colon >= 0) {
                value(line, colon + 1, start);
            } else {
                value(line, start, indent);
            }
        }

        private void key(String key, int indent) {
            if (indent == 0) {
                topLevel.add(key);
                section = null;
                if (wanted.contains(key)) {
                    section = new LinkedHashSet<>();
                    sectionName = key;
                    sections.put(key, section);
                    childIndent = -1;
                }
                return;
            }
            if (section == null) {
                return;
            }
            if (childIndent < 0) {
                childIndent = indent;
            }
            if (indent == childIndent) {
                section.add(key);
            } else if (indent < childIndent) {
                throw error("the key \"" + key + "\" is indented less than the keys before it");
            }
        }

        /** Looks at a value for what may span lines; a wanted section's own value must be a mapping. */
        private void value(String line, int from, int owner) {
            String value = withoutComment(line, from);
            while (value.startsWith("&") || value.startsWith("!")) { // an anchor or a tag before the value
                int space = value.indexOf(' ');
                value = space < 0 ? "" : value.substring(space).trim();
            }
            if (owner == 0 && section != null && !value.isEmpty() && !value.equals("{}") && !value.equals("~")
                    && !value.equals("null")) {
                throw error("\"" + sectionName + "\" is \"" + value + "\"; expected a mapping of names");
            }
            if (value.startsWith("|") || value.startsWith(">")) {
                blockOwner = owner;
            } else if (!value.isEmpty() && "\"'[{".indexOf(value.charAt(0)) >= 0) {
                ValueScanner scanner = new ValueScanner();
                if (!scanner.scan(value, 0)) {
                    openValue = scanner;
                    openValueLine = lineNumber;
                }
            }
        }

        /** The index of the colon ending a key that starts at {@code from}, or -1 when the line has none. */
        private int keyEnd(String line, int from) {
            char first = line.charAt(from);
            int i = from;
            if (first == '"' || first == '\'') {
                ValueScanner quoted = new ValueScanner();
                i = quoted.closingQuote(line, from);
                if (i < 0) {
                    throw error("a quoted key is not closed");
                }
                i++;
                while (i < line.length() && line.charAt(i) == ' ') {
                    i++;
                }
                return i < line.length() && line.charAt(i) == ':' ? i : -1;
            }
            if ("[{#&*!|>%@`?".indexOf(first) >= 0) {
                return -1;
            }
            for (; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
                    return i;
                }
                if (c == '#' && line.charAt(i - 1) == ' ') {
                    return -1;
                }
            }
            return -1;
        }

        private static String unquote(String key) {
            if (key.length() >= 2 && key.charAt(0) == '\'' && key.endsWith("'")) {
                return key.substring(1, key.length() - 1).replace("''", "'");
            }
            if (key.length() >= 2 && key.charAt(0) == '"' && key.endsWith("\"")) {
                return key.substring(1, key.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            return key;
        }

        /** The value text after {@code from}, trimmed, without a trailing comment outside quotes. */
        private static String withoutComment(String line, int from) {
            ValueScanner scanner = new ValueScanner();
            int end = scanner.commentStart(line, from);
            return line.substring(from, end).trim();
        }

        private static int indentOf(String line) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            return i;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(file + " line " + lineNumber + ": " + what);
        }
    }

    /** Follows quotes and brackets through a value, across lines when it is not closed on one. */
    private static final class ValueScanner {
        private char quote;
        private int depth;

        /** Scans from {@code from}; true when the value is closed by the end of the line. */
        boolean scan(String line, int from) {
            for (int i = from; i < line.length(); i++) {
                i = step(line, i);
                if (quote == 0 && depth == 0) {
                    return true;
                }
            }
            return quote == 0 && depth == 0;
        }

        /** Where a comment starts outside quotes, or the line's length. */
        int commentStart(String line, int from) {
            for (int i = from; i < line.length(); i++) {
                if (quote == 0 && line.charAt(i) == '#' && (i == from || line.charAt(i - 1) == ' ')) {
                    return i;
                }
                i = step(line, i);
            }
            return line.length();
        }

        /** The index of the quote closing the one at {@code from}, or -1. */
        int closingQuote(String line, int from) {
            for (int i = from; i < line.length(); i++) {
                i = step(line, i);
                if (quote == 0) {
                    return i;
                }
            }
            return -1;
        }

        /** Takes the character at {@code i} (and an escaped one after it); returns the last index taken. */
        private int step(String line, int i) {
            char c = line.charAt(i);
            if (quote == '"') {
                if (c == '\\') {
                    return i + 1;
                }
                if (c == '"') {
                    quote = 0;
                }
            } else if (quote == '\'') {
                if (c == '\'' && i + 1 < line.length() && line.charAt(i + 1) == '\'') {
                    return i + 1;
                }
                if (c == '\'') {
                    quote = 0;
                }
            } else if ((c == '"' || c == '\'') && (i == 0 || " [{,:".indexOf(line.charAt(i - 1)) >= 0)) {
                quote = c;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            }
            return i;
        }
    }
}
