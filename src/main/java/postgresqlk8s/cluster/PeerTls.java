package postgresqlk8s.cluster;

import java.util.Optional;

import jujuops.HookEvent;
import jujuops.model.Relation;

/**
 * Whether a unit of this application has TLS enabled: it recorded {@link PeerKeys#TLS} = {@code enabled}
 * in its peer databag once its CA, certificate and key were in place. This unit reads its own databag,
 * and any peer's, which the peer relation lets every unit read.
 */
public final class PeerTls {

    public static final String ENABLED = "enabled";

    /**
     * This unit's TLS changed: its files were installed or replaced and TLS recorded, or the record and
     * files were removed. Raised by the certificates flow only when something changed, so the TLS server,
     * pgbackrest.conf and Patroni follow real changes (a refused or repeated certificate raises nothing, and
     * a deferred install raises it when it finally happens).
     */
    public static final HookEvent CHANGED = HookEvent.custom("tls-changed");

    private PeerTls() {}

    /**
     * @param self this unit's name
     * @param unit the unit asked about, this one or a peer
     */
    public static boolean enabled(Relation peers, String self, String unit) {
        Optional<String> tls = unit.equals(self) ? peers.localUnitData().get(PeerKeys.TLS)
                : peers.remoteUnitData(unit).get(PeerKeys.TLS);
        return ENABLED.equals(tls.orElse(""));
    }

    /** The unit whose pod this is: {@code postgresql-k8s-1} of application {@code postgresql-k8s} is {@code postgresql-k8s/1}. */
    public static String unitOfPod(String app, String pod) {
        if (!pod.startsWith(app + "-")) {
            throw new IllegalArgumentException("pod " + pod + " is not one of application " + app);
        }
        return app + "/" + pod.substring(app.length() + 1);
    }
}
