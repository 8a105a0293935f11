package jujuops.model;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import jujuops.hooktools.HookTools;
import jujuops.hooktools.HookTools.SecretRevision;

/**
 * One Juju secret, as its owner or an observer sees it during a dispatch. Obtained from
 * {@link Model#getSecret} or {@link Model#addSecret}; known by its id, its label (this charm's name for
 * it), or both. The content is read once and cached; {@link #toString} never prints it.
 */
public final class Secret {

    /** Who owns a secret the charm creates: the whole application (only the leader manages it) or this unit. */
    public enum Owner {
        APPLICATION, UNIT;

        public String jujuName() {
            return this == APPLICATION ? "application" : "unit";
        }
    }

    private final HookTools tools;
    private String id;
    private String label;
    private Map<String, String> content;

    Secret(HookTools tools, String id, String label, Map<String, String> content) {
        if (id == null && label == null) {
            throw new IllegalArgumentException("a secret needs an id or a label");
        }
        this.tools = tools;
        this.id = id == null ? null : canonicalId(id);
        this.label = label;
        this.content = content == null ? null : Map.copyOf(content);
    }

    /** Juju's URI form, {@code secret:<xid>}, whether or not the prefix was given. */
    static String canonicalId(String id) {
        String trimmed = id.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("a secret id must not be empty");
        }
        return trimmed.startsWith("secret:") ? trimmed : "secret:" + trimmed;
    }

    /** The secret's URI; empty when it was looked up by label only. */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    public Optional<String> label() {
        return Optional.ofNullable(label);
    }

    /** The content of the revision this unit tracks (for the owner: the latest). */
    public Map<String, String> content() {
        if (content == null) {
            content = Map.copyOf(tools.secretGet(id, label, SecretRevision.TRACKED));
        }
        return content;
    }

    /** The latest revision's content, and from now on track that revision. */
    public Map<String, String> refreshContent() {
        content = Map.copyOf(tools.secretGet(id, label, SecretRevision.REFRESH));
        return content;
    }

    /** The latest revision's content, without changing which revision this unit tracks. */
    public Map<String, String> peekContent() {
        return Map.copyOf(tools.secretGet(id, label, SecretRevision.PEEK));
    }

    /** The secret's metadata; only its owner may ask. */
    public SecretInfo info() {
        SecretInfo info = tools.secretInfoGet(id, id == null ? label : null);
        if (id == null) {
            id = info.id();
        }
        return info;
    }

    /** Writes a new revision; observers get {@code secret-changed}. */
    public void setContent(Map<String, String> newContent) {
        SecretContent checked = SecretContent.of(newContent);
        tools.secretSet(requireId(), checked, SecretMetadata.none());
        content = null;
    }

    /** Changes the metadata without a new revision. */
    public void setInfo(SecretMetadata metadata) {
        if (metadata.isEmpty()) {
            throw new IllegalArgumentException("setInfo needs a label, description, expiry or rotation policy");
        }
        tools.secretSet(requireId(), null, metadata);
        metadata.label().ifPresent(l -> label = l);
    }

    /** Lets the other side of a relation read this secret while the relation lasts. */
    public void grant(Relation relation) {
        tools.secretGrant(requireId(), relation.id(), null);
    }

    /** Lets one unit on the other side of a relation read this secret. */
    public void grant(Relation relation, String unit) {
        tools.secretGrant(requireId(), relation.id(), unit);
    }

    public void revoke(Relation relation) {
        tools.secretRevoke(requireId(), relation.id(), null);
    }

    public void revoke(Relation relation, String unit) {
        tools.secretRevoke(requireId(), relation.id(), unit);
    }

    /** Removes one revision, usually the one a {@code secret-remove} or {@code secret-expired} event names. */
    public void removeRevision(int revision) {
        if (revision < 1) {
            throw new IllegalArgumentException("secret revisions start at 1, got " + revision);
        }
        tools.secretRemove(requireId(), OptionalInt.of(revision));
    }

    /** Removes the secret with all its revisions. */
    public void removeAllRevisions() {
        tools.secretRemove(requireId(), OptionalInt.empty());
    }

    private String requireId() {
        if (id == null) {
            id = info().id();
        }
        return id;
    }

    @Override
    public String toString() {
        return "Secret[" + (id == null ? "" : "id=" + id) + (id != null && label != null ? ", " : "")
                + (label == null ? "" : "label=" + label) + "]";
    }
}
