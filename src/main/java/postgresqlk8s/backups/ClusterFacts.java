package postgresqlk8s.backups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Framework;
import jujuops.model.Relation;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.PeerTls;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.pgbackrest.StanzaName;

/**
 * The facts about the cluster that the flows decide on, gathered through the seams once per dispatch:
 * leadership, planned units and this unit's status from Juju; shared facts from the peer relation; the
 * member's role and state from Patroni, asked only when a decision needs them.
 */
final class ClusterFacts {

    private static final Logger LOG = Logs.get(ClusterFacts.class);

    private final Framework framework;
    private final java.util.function.Supplier<Seams> seams;
    private Optional<Relation> peers;
    private Optional<MemberStatus> member;

    ClusterFacts(Framework framework, java.util.function.Supplier<Seams> seams) {
        this.framework = framework;
        this.seams = seams;
    }

    /**
     * The stanza this cluster's backups go to: its own ({@code <model>.patroni-<app>}), or the one it
     * continues since it restored another cluster's backup ({@link PeerKeys#ADOPTED_STANZA}).
     */
    StanzaName stanzaName() {
        Optional<String> adopted = appData(PeerKeys.ADOPTED_STANZA);
        return adopted.isPresent() ? new StanzaName(adopted.get()) : ownStanzaName();
    }

    /** The stanza named after this model and application. */
    StanzaName ownStanzaName() {
        return StanzaName.of(framework.model().modelName(), framework.model().appName());
    }

    boolean isLeader() {
        return framework.model().isLeader();
    }

    int plannedUnits() {
        return framework.model().plannedUnits();
    }

    boolean singleUnit() {
        return plannedUnits() <= 1;
    }

    /** What each concern of this unit says of it (see {@link UnitStatuses}). */
    UnitStatuses statuses() {
        return new UnitStatuses(framework.stored());
    }

    /** pgBackRest's tuning: the config options and the container's CPUs. */
    BackupTuning tuning() {
        return new BackupTuning(framework.stored(), framework.model().config().asMap());
    }

    /** This unit's own state across dispatches (not shared with its peers). */
    jujuops.StoredState stored() {
        return framework.stored();
    }

    Status unitStatus() {
        return framework.model().unitStatus();
    }

    boolean isBlocked() {
        return unitStatus().is(Status.Kind.BLOCKED);
    }

    boolean clusterInitialised() {
        return appData(PeerKeys.CLUSTER_INITIALISED).isPresent();
    }

    /** The stanza recorded once it was created and checked. */
    Optional<StanzaName> stanza() {
        Optional<String> stanza = appData(PeerKeys.STANZA);
        return stanza.isPresent() ? Optional.of(new StanzaName(stanza.get())) : Optional.empty();
    }

    boolean tlsEnabled() {
        return tlsEnabled(framework.model().unitName());
    }

    /**
     * Whether a unit of this application recorded in its peer databag that its certificate, key and CA are
     * in place ({@link PeerKeys#TLS}); this unit's own, or a peer's, which every unit may read.
     */
    boolean tlsEnabled(String unit) {
        Optional<Relation> relation = peers();
        if (relation.isEmpty()) {
            return false;
        }
        return PeerTls.enabled(relation.get(), framework.model().unitName(), unit);
    }

    /** The application's units this unit knows of: itself and the peer relation's others, by unit number. */
    List<String> units() {
        List<String> units = new ArrayList<>();
        units.add(framework.model().unitName());
        peers().ifPresent(r -> units.addAll(r.remoteUnits()));
        units.sort(Comparator.comparingInt(ClusterFacts::unitNumber));
        return units;
    }

    String unitName() {
        return framework.model().unitName();
    }

    String appName() {
        return framework.model().appName();
    }

    private static int unitNumber(String unit) {
        return Integer.parseInt(unit.substring(unit.lastIndexOf('/') + 1));
    }

    Optional<String> appData(String key) {
        Optional<Relation> relation = peers();
        if (relation.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> value = relation.get().localAppData().get(key);
        return value.isPresent() && !value.get().isEmpty() ? value : Optional.empty();
    }

    /** Writes shared facts (leader only); "" deletes a key. */
    void putAppData(Map<String, String> changes) {
        requirePeers().localAppData().putAll(changes);
    }


    /** This member as Patroni sees it; empty when Patroni does not answer. */
    Optional<MemberStatus> member() {
        if (member == null) {
            try {
                member = Optional.of(seams.get().patroni().member());
            } catch (Patroni.PatroniUnavailableException e) {
                LOG.warn("Patroni is not answering: {}", e.getMessage());
                member = Optional.empty();
            }
        }
        return member;
    }


    /** Juju has made the peer relation: before it, this unit is in no cluster and keeps no shared facts. */
    boolean hasPeers() {
        return peers().isPresent();
    }

    private Relation requirePeers() {
        Optional<Relation> relation = peers();
        if (relation.isEmpty()) {
            throw new IllegalStateException("no peer relation yet");
        }
        return relation.get();
    }

    private Optional<Relation> peers() {
        if (peers == null) {
            peers = framework.model().peers(PeerKeys.ENDPOINT);
        }
        return peers;
    }
}
