package postgresqlk8s.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.HookObserver;
import jujuops.HookOutcome;
import jujuops.model.Relation;
import jujuops.model.Status;
import postgresqlk8s.backups.Seams;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.PeerTls;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.UnitPod;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadFiles;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The unit's TLS files and its "TLS on" record. When the provider's certificates change, this unit's
 * certificate is checked (for its key, valid now, chain up to the CA), its CA, certificate and key are
 * installed in the workload together, and only then {@code tls=enabled} is recorded in this unit's peer
 * data; when the relation goes, the record goes first, then the files. A certificate that fails a check
 * blocks the TLS concern with the reason and changes nothing else: the unit keeps serving on what it had.
 *
 * <p>Registered before the backup flows, so that the TLS server flow that follows on the same hook sees
 * the files and the record.
 */
public final class TlsFlow implements HookObserver {

    public static final String ENDPOINT = "certificates";
    static final String REFUSED = "TLS certificate refused: ";
    static final String UNREADABLE = "TLS certificates unreadable: ";
    static final String NOT_INSTALLED = "could not install the TLS files: ";
    /** Unit-local memory: a digest of the certificate, CA and chain in the workload's files. */
    static final String APPLIED = "tls.applied";
    static final String ENABLED = "enabled";

    private static final Logger LOG = Logs.get(TlsFlow.class);

    private final Framework framework;
    private final Supplier<Seams> seams;
    private final CertificatesRequirer certificates;
    private final UnitStatuses statuses;

    private TlsFlow(Framework framework, Supplier<Seams> seams, CertificatesRequirer certificates) {
        this.framework = framework;
        this.seams = seams;
        this.certificates = certificates;
        this.statuses = new UnitStatuses(framework.stored());
    }

    public static void register(Framework framework, Supplier<Seams> seams) {
        CertificatesRequirer certificates = CertificatesRequirer.register(framework, ENDPOINT, new PodNames(framework, seams));
        TlsFlow flow = new TlsFlow(framework, seams, certificates);
        framework.observe(CertificatesRequirer.CERTIFICATES_CHANGED, "TlsFlow.onCertificatesChanged", flow);
        framework.observe(CertificatesRequirer.CERTIFICATES_GONE, "TlsFlow.onCertificatesGone", flow);
    }

    @Override
    public HookOutcome handle(Event event) {
        if (event.is(CertificatesRequirer.CERTIFICATES_CHANGED)) {
            return onCertificatesChanged();
        }
        if (event.is(CertificatesRequirer.CERTIFICATES_GONE)) {
            return onCertificatesGone();
        }
        throw new IllegalStateException("TlsFlow has no flow for " + event.name());
    }

    private HookOutcome onCertificatesChanged() {
        CertificatesRequirer.Reading reading = certificates.read();
        if (reading instanceof CertificatesRequirer.NotAnswered none) {
            LOG.info("no certificate for this unit yet ({}); the database serves as before meanwhile", none.why());
            return HookOutcome.done();
        }
        if (reading instanceof CertificatesRequirer.Unreadable bad) {
            return refuse(UNREADABLE + bad.why());
        }
        IssuedCertificate issued = ((CertificatesRequirer.Issued) reading).certificate();
        IssuedCertificate.Verdict verdict = issued.verify(certificates.key(), seams.get().clock().instant());
        if (verdict instanceof IssuedCertificate.Refused refused) {
            return refuse(REFUSED + refused.reason());
        }
        return install(issued);
    }

    /** The operator must act (on the provider); the unit keeps its files and its record as they are. */
    private HookOutcome refuse(String message) {
        LOG.warn("{}; keeping the current TLS files and settings", message);
        statuses.set(UnitStatuses.Concern.TLS, Status.blocked(message));
        return HookOutcome.done();
    }

    private HookOutcome install(IssuedCertificate issued) {
        Optional<Relation> peers = framework.model().peers(PeerKeys.ENDPOINT);
        if (peers.isEmpty()) {
            LOG.info("no peer relation yet to record TLS in; will install the certificate later");
            return HookOutcome.defer();
        }
        String digest = digest(issued);
        if (enabled(peers.get()) && digest.equals(framework.stored().get(APPLIED).orElse(""))) {
            statuses.set(UnitStatuses.Concern.TLS, Status.active());
            return HookOutcome.done();
        }
        Seams s = seams.get();
        WorkloadLayout layout = s.layout();
        List<WorkloadFiles.Content> files = List.of(
                new WorkloadFiles.Content(layout.tlsKeyFile(), certificates.key().pem()),
                new WorkloadFiles.Content(layout.tlsCertFile(), certificateFile(issued)),
                new WorkloadFiles.Content(layout.tlsCaFile(), issued.ca().strip() + "\n"));
        try {
            new WorkloadFiles(s.exec()).replaceAll(files, layout.pgUser(), "0600");
        } catch (WorkloadUnreachableException e) {
            LOG.warn("workload not reachable; will install the TLS files later: {}", e.getMessage());
            return HookOutcome.defer();
        } catch (WorkloadCommandException e) {
            LOG.error("{}{}", NOT_INSTALLED, e.getMessage());
            statuses.set(UnitStatuses.Concern.TLS, Status.blocked(NOT_INSTALLED + e.getMessage()));
            return HookOutcome.done();
        }
        peers.get().localUnitData().put(PeerKeys.TLS, ENABLED);
        framework.stored().put(APPLIED, digest);
        statuses.set(UnitStatuses.Concern.TLS, Status.active());
        LOG.info("TLS files installed; TLS enabled on this unit");
        framework.emit(Event.custom(PeerTls.CHANGED, Map.of()));
        return HookOutcome.done();
    }

    /** The record goes first, so nothing takes TLS as on while its files go; the key stays in its secret. */
    private HookOutcome onCertificatesGone() {
        Optional<Relation> peers = framework.model().peers(PeerKeys.ENDPOINT);
        boolean wasEnabled = peers.isPresent() && enabled(peers.get());
        if (wasEnabled) {
            peers.get().localUnitData().remove(PeerKeys.TLS);
            LOG.info("TLS disabled on this unit: the certificates relation is gone");
        }
        framework.stored().remove(APPLIED);
        statuses.clear(UnitStatuses.Concern.TLS);
        WorkloadLayout layout = seams.get().layout();
        try {
            new WorkloadFiles(seams.get().exec()).removeAll(List.of(layout.tlsCaFile(), layout.tlsCertFile(), layout.tlsKeyFile()));
        } catch (WorkloadUnreachableException e) {
            LOG.warn("workload not reachable; will remove the TLS files later: {}", e.getMessage());
            return HookOutcome.defer();
        } catch (WorkloadCommandException e) {
            LOG.warn("could not remove the TLS files: {}", e.getMessage());
        }
        if (wasEnabled) {
            framework.emit(Event.custom(PeerTls.CHANGED, Map.of()));
        }
        return HookOutcome.done();
    }

    private static boolean enabled(Relation peers) {
        return ENABLED.equals(peers.localUnitData().get(PeerKeys.TLS).orElse(""));
    }

    /** The certificate and any intermediate of the chain (neither it nor the CA), so peers can verify it. */
    static String certificateFile(IssuedCertificate issued) {
        List<String> pems = new ArrayList<>();
        pems.add(issued.certificate().strip());
        for (String pem : issued.chain()) {
            String p = pem.strip();
            if (!p.equals(issued.certificate().strip()) && !p.equals(issued.ca().strip()) && !pems.contains(p)) {
                pems.add(p);
            }
        }
        return String.join("\n", pems) + "\n";
    }

    private static String digest(IssuedCertificate issued) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(certificateFile(issued).getBytes(StandardCharsets.UTF_8));
            sha.update(issued.ca().strip().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The unit's names: its pod's in the application's headless service, and its address. */
    private static final class PodNames implements CertificatesRequirer.Names {
        private final Framework framework;
        private final Supplier<Seams> seams;

        PodNames(Framework framework, Supplier<Seams> seams) {
            this.framework = framework;
            this.seams = seams;
        }

        @Override
        public SubjectNames current() throws UnitPod.PodException {
            String app = framework.model().appName();
            return SubjectNames.ofUnit(KubernetesClients.podOf(framework.model().unitName()), app, seams.get().pod().address());
        }
    }
}
