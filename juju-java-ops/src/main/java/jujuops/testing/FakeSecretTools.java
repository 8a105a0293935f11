package jujuops.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import jujuops.hooktools.HookTools.SecretRevision;
import jujuops.model.ModelError;
import jujuops.model.Secret;
import jujuops.model.SecretContent;
import jujuops.model.SecretInfo;
import jujuops.model.SecretMetadata;
import jujuops.model.SecretNotFoundError;

/**
 * The secret and storage hook tools of {@link FakeHookTools}, answering from its {@link State} as Juju
 * would: the owner reads the latest revision, an observer the one it tracks until it peeks or refreshes;
 * only the owner (for an application's secret, the leader) changes a secret; unknown secrets fail with
 * "not found".
 */
final class FakeSecretTools {

    private final FakeHookTools tools;

    FakeSecretTools(FakeHookTools tools) {
        this.tools = tools;
    }

    Map<String, String> secretGet(String id, String label, SecretRevision revision) {
        call("secret-get", id, label == null ? "" : " --label " + label,
                revision == SecretRevision.TRACKED ? "" : " --" + revision.name().toLowerCase(java.util.Locale.ROOT));
        SecretState s = find("secret-get", id, label);
        if (id != null && label != null) {
            s = s.withLabel(label);
        }
        if (s.isOwned() || revision == SecretRevision.REFRESH) {
            s = s.withTracked(s.latestRevision());
        }
        save(s);
        return revision == SecretRevision.PEEK ? s.latestContent() : s.revisions().get(s.tracked());
    }

    String secretAdd(SecretContent content, SecretMetadata metadata, boolean unitOwned) {
        call("secret-add --owner " + (unitOwned ? "unit" : "application"), null, describe(metadata),
                " --file " + content.asMap().keySet());
        State state = tools.state();
        if (!unitOwned && !state.leader()) {
            throw new ModelError("secret-add: cannot create an application secret: this unit is not the leader");
        }
        if (metadata.label().isPresent() && state.secrets().values().stream()
                .anyMatch(s -> s.isOwned() && s.label().equals(metadata.label()))) {
            throw new ModelError("secret-add: secret with label \"" + metadata.label().get() + "\" already exists");
        }
        String id = String.format("secret:fake%016d", state.secrets().size() + 1);
        SecretState s = SecretState.owned(id, unitOwned ? Secret.Owner.UNIT : Secret.Owner.APPLICATION,
                metadata.label().orElse(null), content.asMap());
        save(metadata.description().map(s::withDescription).orElse(s));
        return id;
    }

    void secretSet(String id, SecretContent content, SecretMetadata metadata) {
        call("secret-set", id, describe(metadata), content == null ? "" : " --file " + content.asMap().keySet());
        SecretState s = owned("secret-set", id, null);
        if (content != null) {
            s = s.withNewRevision(content.asMap());
        }
        s = metadata.label().map(s::withLabel).orElse(s);
        save(metadata.description().map(s::withDescription).orElse(s));
    }

    SecretInfo secretInfoGet(String id, String label) {
        call("secret-info-get", id, id == null ? " --label " + label : "", "");
        SecretState s = find("secret-info-get", id, label);
        if (!s.isOwned()) {
            throw new ModelError("secret-info-get: permission denied: this unit does not own " + s.id());
        }
        return new SecretInfo(s.id(), s.owner().get().jujuName(), s.latestRevision(), s.label(), s.description(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    void secretGrant(String id, String relationId, String unit) {
        call("secret-grant", id, " -r " + relationId, unit == null ? "" : " --unit " + unit);
        SecretState s = owned("secret-grant", id, relationId);
        save(s.withGrant(relationId, grantee(relationId, unit)));
    }

    void secretRevoke(String id, String relationId, String unit) {
        call("secret-revoke", id, " -r " + relationId, unit == null ? "" : " --unit " + unit);
        SecretState s = owned("secret-revoke", id, relationId);
        save(s.withoutGrant(relationId, grantee(relationId, unit)));
    }

    void secretRemove(String id, OptionalInt revision) {
        call("secret-remove", id, revision.isPresent() ? " --revision " + revision.getAsInt() : "", "");
        SecretState s = owned("secret-remove", id, null);
        if (revision.isEmpty()) {
            tools.replaceState(tools.state().withoutSecret(s.id()));
            return;
        }
        if (!s.revisions().containsKey(revision.getAsInt())) {
            throw new SecretNotFoundError("secret-remove: revision " + revision.getAsInt() + " of " + s.id() + " not found");
        }
        Optional<SecretState> left = s.withoutRevision(revision.getAsInt());
        tools.replaceState(left.isPresent() ? tools.state().withSecret(left.get()) : tools.state().withoutSecret(s.id()));
    }

    List<String> storageList(String name) {
        tools.calls.add("storage-list " + name);
        List<String> ids = new ArrayList<>();
        for (StorageState s : tools.state().storages()) {
            if (s.name().equals(name)) {
                ids.add(s.id());
            }
        }
        return ids;
    }

    String storageLocation(String storageId) {
        tools.calls.add("storage-get -s " + storageId + " location");
        return tools.state().storages().stream().filter(s -> s.id().equals(storageId)).findFirst()
                .map(StorageState::location)
                .orElseThrow(() -> new ModelError("storage-get: invalid value \"" + storageId + "\" for option -s: storage not found"));
    }

    private SecretState find(String tool, String id, String label) {
        Optional<SecretState> found = id != null
                ? Optional.ofNullable(tools.state().secrets().get(id.startsWith("secret:") ? id : "secret:" + id))
                : tools.state().secrets().values().stream().filter(s -> s.label().equals(Optional.of(label))).findFirst();
        return found.orElseThrow(() -> new SecretNotFoundError(
                tool + ": secret \"" + (id != null ? id : label) + "\" not found"));
    }

    /** The secret, when this unit may change it: its own, or its application's and it leads. */
    private SecretState owned(String tool, String id, String relationId) {
        SecretState s = find(tool, id, null);
        if (!s.isOwned() || s.owner().get() == Secret.Owner.APPLICATION && !tools.state().leader()) {
            throw new ModelError(tool + ": permission denied: this unit may not manage " + s.id());
        }
        if (relationId != null && tools.state().relation(relationId).isEmpty()) {
            throw new jujuops.model.RelationNotFoundError(tool + ": invalid value \"" + relationId
                    + "\" for option -r: relation not found");
        }
        return s;
    }

    private String grantee(String relationId, String unit) {
        RelationState r = tools.state().relation(relationId).orElseThrow();
        if (unit == null) {
            return r.remoteApp();
        }
        if (!r.remoteUnitsData().containsKey(unit)) {
            throw new ModelError("secret-grant: unit " + unit + " is not in relation " + relationId);
        }
        return unit;
    }

    private void save(SecretState s) {
        tools.replaceState(tools.state().withSecret(s));
    }

    private void call(String head, String id, String middle, String tail) {
        tools.calls.add(head + (id == null ? "" : " " + id) + middle + tail);
    }

    private static String describe(SecretMetadata m) {
        return m.label().map(l -> " --label " + l).orElse("")
                + m.description().map(d -> " --description " + d).orElse("")
                + m.expire().map(t -> " --expire " + t).orElse("")
                + m.rotate().map(r -> " --rotate " + r.jujuName()).orElse("");
    }
}
