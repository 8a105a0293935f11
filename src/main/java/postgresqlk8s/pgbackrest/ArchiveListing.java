package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@code pgbackrest repo-ls <path> --output=json} says of a stanza's archive: an object from each
 * path (relative to the one listed) to {@code {"type": "file"|"path", "size": n, "time": epoch-seconds}}.
 */
public final class ArchiveListing {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code 15-1/00000002.history}, listed recursively from the stanza's archive. */
    private static final Pattern HISTORY = Pattern.compile("^(\\d+-\\d+)/([0-9A-F]{8})\\.history$");
    /** A WAL segment, or the partial last one of a timeline, with pgBackRest's checksum and compression. */
    private static final Pattern SEGMENT = Pattern.compile("^(?:.*/)?([0-9A-F]{24})(?:\\.partial)?-[0-9a-f]{40}(?:\\.[a-z0-9]+)?$");

    /** A file of the listing: its path as listed, when it reached the repository. */
    public record Entry(String path, long epochSecond) {}

    private static final Pattern ARCHIVE_ID = Pattern.compile("^\\d+-\\d+$");
    /** A WAL directory of an archive: a timeline's eight digits, then the log's eight. */
    private static final Pattern WAL_DIRECTORY = Pattern.compile("^(?:.*/)?([0-9A-F]{16})$");

    private final List<Entry> files;
    private final List<String> paths;

    private ArchiveListing(List<Entry> files, List<String> paths) {
        this.files = List.copyOf(files);
        this.paths = List.copyOf(paths);
    }

    /**
     * @throws ListingFormatException when the text is not the JSON object repo-ls writes; the message
     *         says what is wrong, never the text
     */
    public static ArchiveListing parse(String text) throws ListingFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ListingFormatException("pgBackRest repo-ls output is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ListingFormatException("pgBackRest repo-ls output is not a JSON object");
        }
        List<Entry> files = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getValue().path("type").asText();
            if ("path".equals(type)) {
                paths.add(e.getKey());
            }
            if (!"file".equals(type)) {
                continue;
            }
            JsonNode time = e.getValue().get("time");
            if (time == null || !time.canConvertToLong()) {
                throw new ListingFormatException("pgBackRest repo-ls lists a file without its time");
            }
            files.add(new Entry(e.getKey(), time.asLong()));
        }
        return new ArchiveListing(files, paths);
    }

    /** The timelines whose history files the listing holds, oldest first. */
    public List<Timeline> timelines() {
        List<Timeline> out = new ArrayList<>();
        for (Entry f : files) {
            Matcher m = HISTORY.matcher(f.path());
            if (m.matches()) {
                long number = Timeline.number(m.group(2));
                if (number > 1) {
                    out.add(new Timeline(Timeline.text(number), m.group(1), f.epochSecond()));
                }
            }
        }
        out.sort(Comparator.comparingLong(Timeline::createdEpochSecond).thenComparingLong(Timeline::number));
        return out;
    }

    /** The newest WAL segment of a timeline in the listing: the highest name with its prefix. */
    public Optional<Entry> newestSegment(long timeline) {
        String prefix = Timeline.fileName(timeline);
        Entry newest = null;
        String newestName = "";
        for (Entry f : files) {
            Matcher m = SEGMENT.matcher(f.path());
            if (m.matches() && m.group(1).startsWith(prefix) && m.group(1).compareTo(newestName) > 0) {
                newest = f;
                newestName = m.group(1);
            }
        }
        return Optional.ofNullable(newest);
    }

    /** The archive ids (e.g. {@code 15-1}) in a listing of a stanza's archive folder. */
    public List<String> archiveIds() {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            if (ARCHIVE_ID.matcher(p).matches()) {
                out.add(p);
            }
        }
        return out;
    }

    /** The newest WAL directory of a timeline in a listing of an archive id's folder, e.g. {@code 0000000200000003}. */
    public Optional<String> newestWalDirectory(long timeline) {
        String prefix = Timeline.fileName(timeline);
        String newest = null;
        for (String p : paths) {
            Matcher m = WAL_DIRECTORY.matcher(p);
            if (m.matches() && m.group(1).startsWith(prefix) && (newest == null || p.compareTo(newest) > 0)) {
                newest = p;
            }
        }
        return Optional.ofNullable(newest);
    }

    /** The repo-ls output is not what pgBackRest writes. */
    public static final class ListingFormatException extends Exception {
        public ListingFormatException(String message) {
            super(message);
        }
    }
}
