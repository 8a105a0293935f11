package jujuops.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import jujuops.model.Secret;

/**
 * One Juju secret as a test sets it up and reads it back: its id, this charm's label for it, who owns it
 * (empty: another application owns it and this unit only reads it), its revisions' contents, the
 * revision this unit tracks, and the grants the owner made (relation id to application or unit names).
 * Immutable; {@code with*} methods return changed copies. {@link #toString} shows no content.
 */
public record SecretState(
        String id,
        Optional<String> label,
        Optional<Secret.Owner> owner,
        Map<Integer, Map<String, String>> revisions,
        int tracked,
        Map<String, Set<String>> grants,
        Optional<String> description) {

    public SecretState {
        if (!id.startsWith("secret:")) {
            id = "secret:" + id;
        }
        if (revisions.isEmpty()) {
            throw new IllegalArgumentException("a secret has at least one revision");
        }
        TreeMap<Integer, Map<String, String>> revs = new TreeMap<>();
        revisions.forEach((rev, content) -> revs.put(rev, Map.copyOf(content)));
        revisions = Collections.unmodifiableSortedMap(revs);
        if (!revisions.containsKey(tracked)) {
            throw new IllegalArgumentException("tracked revision " + tracked + " is not among " + revisions.keySet());
        }
        Map<String, Set<String>> g = new LinkedHashMap<>();
        grants.forEach((rel, who) -> g.put(rel, Collections.unmodifiableSet(new LinkedHashSet<>(who))));
        grants = Collections.unmodifiableMap(g);
    }

    /** Another application's secret this unit was given, at revision 1. */
    public static SecretState observed(String id, Map<String, String> content) {
        return new SecretState(id, Optional.empty(), Optional.empty(), Map.of(1, content), 1, Map.of(), Optional.empty());
    }

    /** A secret this charm created earlier, owned by the application or by this unit, at revision 1. */
    public static SecretState owned(String id, Secret.Owner owner, String label, Map<String, String> content) {
        return new SecretState(id, Optional.ofNullable(label), Optional.of(owner), Map.of(1, content), 1, Map.of(),
                Optional.empty());
    }

    public boolean isOwned() {
        return owner.isPresent();
    }

    public int latestRevision() {
        return ((SortedMap<Integer, ?>) revisions).lastKey();
    }

    public Map<String, String> latestContent() {
        return revisions.get(latestRevision());
    }

    /** What a plain {@code secret-get} answers: the owner sees the latest revision, an observer the tracked one. */
    public Map<String, String> trackedContent() {
        return isOwned() ? latestContent() : revisions.get(tracked);
    }

    /** A new latest revision; an observer keeps tracking the old one until it refreshes. */
    public SecretState withNewRevision(Map<String, String> content) {
        Map<Integer, Map<String, String>> revs = new TreeMap<>(revisions);
        int next = latestRevision() + 1;
        revs.put(next, content);
        return new SecretState(id, label, owner, revs, isOwned() ? next : tracked, grants, description);
    }

    public SecretState withTracked(int revision) {
        return new SecretState(id, label, owner, revisions, revision, grants, description);
    }

    public SecretState withLabel(String newLabel) {
        return new SecretState(id, Optional.of(newLabel), owner, revisions, tracked, grants, description);
    }

    public SecretState withDescription(String newDescription) {
        return new SecretState(id, label, owner, revisions, tracked, grants, Optional.of(newDescription));
    }

    /** Empty when the last revision goes: the secret is gone. */
    public Optional<SecretState> withoutRevision(int revision) {
        TreeMap<Integer, Map<String, String>> revs = new TreeMap<>(revisions);
        revs.remove(revision);
        if (revs.isEmpty()) {
            return Optional.empty();
        }
        int newTracked = revs.containsKey(tracked) ? tracked : revs.lastKey();
        return Optional.of(new SecretState(id, label, owner, revs, newTracked, grants, description));
    }

    public SecretState withGrant(String relationId, String grantee) {
        Map<String, Set<String>> g = new LinkedHashMap<>(grants);
        Set<String> who = new LinkedHashSet<>(g.getOrDefault(relationId, Set.of()));
        who.add(grantee);
        g.put(relationId, who);
        return new SecretState(id, label, owner, revisions, tracked, g, description);
    }

    public SecretState withoutGrant(String relationId, String grantee) {
        Map<String, Set<String>> g = new LinkedHashMap<>(grants);
        Set<String> who = new LinkedHashSet<>(g.getOrDefault(relationId, Set.of()));
        who.remove(grantee);
        if (who.isEmpty()) {
            g.remove(relationId);
        } else {
            g.put(relationId, who);
        }
        return new SecretState(id, label, owner, revisions, tracked, g, description);
    }

    @Override
    public String toString() {
        return "SecretState[id=" + id + ", label=" + label.orElse("") + ", owner="
                + owner.map(Secret.Owner::jujuName).orElse("other") + ", revisions=" + revisions.keySet()
                + ", tracked=" + tracked + ", grants=" + grants + "]";
    }
}
