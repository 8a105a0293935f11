package k8sapi;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The objects the stand-in keeps (pods, endpoints, services) in memory, as the API server keeps them:
 * one global {@code resourceVersion} counter, raised by every change and written as a string into the
 * changed object's {@code metadata.resourceVersion}; {@code uid} and {@code creationTimestamp} set at
 * creation; a history of the latest changes that watches replay. Reads hand out copies.
 */
final class ApiObjects {

    static final int RETAINED_CHANGES = 10_000;
    /** What a patch may not change. */
    private static final Set<String> FIXED_METADATA = Set.of("name", "namespace", "uid", "creationTimestamp",
            "resourceVersion");

    record Key(String resource, String namespace, String name) {}

    /** A stored change; {@code before} is the previous state of a modified object, else null. */
    private record Change(long version, String type, Key key, Map<String, Object> object, Map<String, Object> before) {}

    record Listing(long version, List<Map<String, Object>> items) {}

    record Event(String type, Map<String, Object> object) {}

    /** The events a watch is owed, and the version they bring it up to. */
    record Events(long upTo, List<Event> events) {}

    private final Map<Key, Map<String, Object>> objects = new LinkedHashMap<>();
    private final ArrayDeque<Change> history = new ArrayDeque<>();
    private long version;
    private long forgottenUpTo;

    synchronized long version() {
        return version;
    }

    synchronized Map<String, Object> create(String resource, String namespace, Map<?, ?> body) throws ApiError {
        Map<String, Object> given = MergePatch.copy(body);
        String name = KubeObject.name(given);
        if (name.isEmpty()) {
            throw ApiError.invalid(resource, "", "metadata.name: Required value: name or generateName is required");
        }
        Key key = new Key(resource, namespace, name);
        if (objects.containsKey(key)) {
            throw ApiError.alreadyExists(resource, name);
        }
        Map<String, Object> metadata = MergePatch.copy(KubeObject.metadata(given));
        metadata.put("namespace", namespace);
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("kind", KubeObject.kindOf(resource));
        object.put("apiVersion", "v1");
        object.put("metadata", metadata);
        given.forEach((k, v) -> {
            if (!Set.of("kind", "apiVersion", "metadata").contains(k)) {
                object.put(k, v);
            }
        });
        if (resource.equals("pods")) {
            object.putIfAbsent("spec", new LinkedHashMap<>());
            object.putIfAbsent("status", new LinkedHashMap<>());
        }
        return store(key, "ADDED", object, null);
    }

    synchronized Optional<Map<String, Object>> get(String resource, String namespace, String name) {
        return Optional.ofNullable(objects.get(new Key(resource, namespace, name))).map(MergePatch::copy);
    }

    synchronized Listing list(String resource, String namespace, LabelSelector selector) {
        List<Map<String, Object>> items = matching(resource, namespace, selector).stream()
                .map(objects::get).map(MergePatch::copy).toList();
        return new Listing(version, items);
    }

    /**
     * Applies a merge patch. A {@code metadata.resourceVersion} in the patch must be the current one
     * (409 otherwise); name, namespace, uid and creation time stay. A patch that changes nothing leaves
     * the version as it is, as the API server does.
     */
    synchronized Map<String, Object> patch(String resource, String namespace, String name, Map<?, ?> patch)
            throws ApiError {
        Key key = new Key(resource, namespace, name);
        Map<String, Object> current = objects.get(key);
        if (current == null) {
            throw ApiError.notFound(resource, name);
        }
        String asked = KubeObject.resourceVersion(patch);
        if (asked != null && !asked.isEmpty() && !asked.equals(KubeObject.resourceVersion(current))) {
            throw ApiError.conflict(resource, name);
        }
        Map<String, Object> merged = MergePatch.apply(current, withoutFixedFields(patch));
        return merged.equals(current) ? MergePatch.copy(current) : store(key, "MODIFIED", merged, current);
    }

    /** Removes the object; what is returned carries the deletion's resourceVersion, as the DELETED event does. */
    synchronized Map<String, Object> delete(String resource, String namespace, String name) throws ApiError {
        Key key = new Key(resource, namespace, name);
        Map<String, Object> gone = objects.remove(key);
        if (gone == null) {
            throw ApiError.notFound(resource, name);
        }
        Map<String, Object> last = MergePatch.copy(gone);
        version++;
        stamp(last);
        remember(new Change(version, "DELETED", key, last, null));
        return MergePatch.copy(last);
    }

    synchronized List<Map<String, Object>> deleteCollection(String resource, String namespace, LabelSelector selector)
            throws ApiError {
        List<Map<String, Object>> deleted = new ArrayList<>();
        for (Key key : matching(resource, namespace, selector)) {
            deleted.add(delete(resource, namespace, key.name()));
        }
        return deleted;
    }

    /**
     * The events after {@code after} that a watch on these objects sees, waiting at most this long for
     * one change of any kind. An object that stops matching the selector is DELETED for the watch, one
     * that starts matching is ADDED. 410 when changes after {@code after} are no longer retained.
     */
    synchronized Events changesAfter(String resource, String namespace, LabelSelector selector, long after,
            long waitMillis) throws ApiError, InterruptedException {
        long until = System.nanoTime() + waitMillis * 1_000_000;
        while (version <= after && until - System.nanoTime() > 0) {
            wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
        }
        if (after < forgottenUpTo) {
            throw ApiError.expired(after, forgottenUpTo + 1);
        }
        List<Event> events = new ArrayList<>();
        for (Iterator<Change> it = history.descendingIterator(); it.hasNext(); ) {
            Change change = it.next();
            if (change.version() <= after) {
                break;
            }
            if (change.key().resource().equals(resource) && change.key().namespace().equals(namespace)) {
                seenThrough(change, selector).ifPresent(events::add);
            }
        }
        Collections.reverse(events);
        return new Events(version, events);
    }

    private static Optional<Event> seenThrough(Change change, LabelSelector selector) {
        boolean now = selector.matches(change.object());
        boolean before = change.before() != null && selector.matches(change.before());
        String type = change.type();
        if (type.equals("MODIFIED") && now != before) {
            type = now ? "ADDED" : "DELETED";
        } else if (!now) {
            return Optional.empty();
        }
        return Optional.of(new Event(type, change.object()));
    }

    private List<Key> matching(String resource, String namespace, LabelSelector selector) {
        return objects.entrySet().stream()
                .filter(e -> e.getKey().resource().equals(resource) && e.getKey().namespace().equals(namespace))
                .filter(e -> selector.matches(e.getValue()))
                .map(Map.Entry::getKey)
                .sorted(Comparator.comparing(Key::name))
                .toList();
    }

    private Map<String, Object> store(Key key, String type, Map<String, Object> object, Map<String, Object> before) {
        version++;
        stamp(object);
        objects.put(key, object);
        remember(new Change(version, type, key, object, before));
        return MergePatch.copy(object);
    }

    @SuppressWarnings("unchecked")
    private void stamp(Map<String, Object> object) {
        ((Map<String, Object>) object.get("metadata")).put("resourceVersion", Long.toString(version));
    }

    private void remember(Change change) {
        history.addLast(change);
        while (history.size() > RETAINED_CHANGES) {
            forgottenUpTo = history.removeFirst().version();
        }
        notifyAll();
    }

    private static Map<Object, Object> withoutFixedFields(Map<?, ?> patch) {
        Map<Object, Object> out = new LinkedHashMap<>(patch);
        out.remove("kind");
        out.remove("apiVersion");
        if (out.get("metadata") instanceof Map<?, ?> metadata) {
            Map<Object, Object> kept = new LinkedHashMap<>(metadata);
            kept.keySet().removeAll(FIXED_METADATA);
            out.put("metadata", kept);
        } else {
            out.remove("metadata");
        }
        return out;
    }
}
