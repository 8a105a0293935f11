package postgresqlk8s.tls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookObserver;
import jujuops.HookOutcome;
import jujuops.json.Json;
import jujuops.json.JsonException;
import jujuops.model.Relation;
import jujuops.model.Secret;
import jujuops.model.SecretMetadata;
import jujuops.model.SecretNotFoundError;
import postgresqlk8s.kubernetes.UnitPod;

/**
 * The requirer side of the {@code tls-certificates} interface, as the real providers
 * ({@code self-signed-certificates}, {@code manual-tls-certificates}) speak it, as a charm library:
 * keeps this unit's private key in a Juju secret it owns, asks for a certificate with a CSR in its unit
 * databag, and turns Juju's relation hooks into "certificates changed" (the provider's list is there)
 * and "certificates gone".
 *
 * <p>Requirer unit databag: {@value #REQUESTS} = {@code [{"certificate_signing_request": PEM, "ca": false}]}.
 * Provider application databag: {@value #CERTIFICATES} = {@code [{"certificate_signing_request", "certificate",
 * "ca", "chain"}, ...]}; this unit takes the entry whose CSR is its own.
 */
public final class CertificatesRequirer implements HookObserver {

    public static final HookEvent CERTIFICATES_CHANGED = HookEvent.custom("tls-certificates-changed");
    public static final HookEvent CERTIFICATES_GONE = HookEvent.custom("tls-certificates-gone");

    static final String REQUESTS = "certificate_signing_requests";
    static final String CERTIFICATES = "certificates";
    static final String CSR = "certificate_signing_request";
    /** The unit-owned secret holding the private key, and its one field. */
    static final String KEY_SECRET = "tls-private-key";
    static final String KEY_FIELD = "private-key";

    private static final Logger LOG = Logs.get(CertificatesRequirer.class);

    /** The names this unit's certificate must hold, asked when a request is made. */
    public interface Names {
        SubjectNames current() throws UnitPod.PodException;
    }

    /** What the provider says of this unit's request now. */
    public sealed interface Reading permits Issued, NotAnswered, Unreadable {}

    /** The provider's entry for this unit's CSR, not checked yet (see {@link IssuedCertificate#verify}). */
    public record Issued(IssuedCertificate certificate) implements Reading {}

    /** No relation, no request yet, or no entry for it yet. */
    public record NotAnswered(String why) implements Reading {}

    /** The provider's data cannot be read; the reason quotes none of it. */
    public record Unreadable(String why) implements Reading {}

    private final Framework framework;
    private final String endpoint;
    private final Names names;
    private final HookEvent changed;
    private final HookEvent broken;
    private UnitKey key;

    private CertificatesRequirer(Framework framework, String endpoint, Names names) {
        this.framework = framework;
        this.endpoint = endpoint;
        this.names = names;
        this.changed = HookEvent.relationChanged(endpoint);
        this.broken = HookEvent.relationBroken(endpoint);
    }

    /** Registers the library's observers for the relation endpoint. */
    public static CertificatesRequirer register(Framework framework, String endpoint, Names names) {
        CertificatesRequirer lib = new CertificatesRequirer(framework, endpoint, names);
        framework.observe(lib.changed, "CertificatesRequirer.onChanged", lib);
        framework.observe(lib.broken, "CertificatesRequirer.onBroken", lib);
        return lib;
    }

    /** Routes Juju's relation hooks; one observer instead of a lambda each keeps hook start-up lean. */
    @Override
    public HookOutcome handle(Event event) {
        if (event.is(changed)) {
            return onChanged(event);
        }
        if (event.is(broken)) {
            framework.emit(Event.custom(CERTIFICATES_GONE, event.snapshot()));
            return HookOutcome.done();
        }
        throw new IllegalStateException("CertificatesRequirer has no handler for " + event.name());
    }

    private HookOutcome onChanged(Event event) {
        Optional<String> id = event.relationId();
        Optional<Relation> relation = id.isPresent() ? framework.model().relationById(endpoint, id.get()) : Optional.empty();
        if (relation.isEmpty()) {
            return HookOutcome.done();
        }
        try {
            request(relation.get());
        } catch (UnitPod.PodException e) {
            LOG.warn("cannot ask for a certificate before the pod's address is known: {}", e.getMessage());
            return HookOutcome.defer();
        }
        if (relation.get().remoteAppData().get(CERTIFICATES).orElse("").isBlank()) {
            LOG.info("the certificates provider {} has not answered yet; the database serves without TLS meanwhile",
                    relation.get().remoteApp());
            return HookOutcome.done();
        }
        framework.emit(Event.custom(CERTIFICATES_CHANGED, event.snapshot()));
        return HookOutcome.done();
    }

    /** Writes a CSR for this unit's key and names, unless the one in the databag already is one. */
    private void request(Relation relation) throws UnitPod.PodException {
        SubjectNames wanted = names.current();
        UnitKey unitKey = key();
        Optional<String> current = ownRequest(relation);
        if (current.isPresent() && fits(current.get(), unitKey, wanted)) {
            return;
        }
        SigningRequest fresh = SigningRequest.create(unitKey, wanted);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put(CSR, fresh.pem());
        entry.put("ca", Boolean.FALSE);
        relation.localUnitData().put(REQUESTS, Json.write(List.of(entry)));
        LOG.info("asked {} for a certificate for {} {}", relation.remoteApp(), wanted.dnsNames(), wanted.ipAddresses());
    }

    private static boolean fits(String pem, UnitKey unitKey, SubjectNames wanted) {
        try {
            SigningRequest request = SigningRequest.parse(pem);
            return request.isFor(unitKey) && request.isFor(wanted);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * This unit's private key, from its Juju secret; made and stored there on first use, so that a new pod
     * (which starts without the key file) keeps the key its certificate was issued for.
     */
    public UnitKey key() {
        if (key != null) {
            return key;
        }
        try {
            Secret secret = framework.model().getSecretByLabel(KEY_SECRET);
            try {
                key = UnitKey.fromPem(secret.content().get(KEY_FIELD));
            } catch (UnitKey.InvalidKeyException e) {
                LOG.warn("the private key in secret {} cannot be used ({}); making a new one", KEY_SECRET, e.getMessage());
                key = UnitKey.generate();
                secret.setContent(Map.of(KEY_FIELD, key.pem()));
            }
        } catch (SecretNotFoundError e) {
            key = UnitKey.generate();
            framework.model().addSecret(Secret.Owner.UNIT, Map.of(KEY_FIELD, key.pem()), SecretMetadata.labelled(KEY_SECRET));
            LOG.info("made this unit's TLS private key and stored it in its secret {}", KEY_SECRET);
        }
        return key;
    }

    /** What the provider says of this unit's request now. */
    public Reading read() {
        Optional<Relation> relation = framework.model().relation(endpoint);
        if (relation.isEmpty()) {
            return new NotAnswered("there is no " + endpoint + " relation");
        }
        Optional<String> own = ownRequest(relation.get());
        if (own.isEmpty()) {
            return new NotAnswered("this unit has not asked for a certificate yet");
        }
        String listed = relation.get().remoteAppData().get(CERTIFICATES).orElse("");
        if (listed.isBlank()) {
            return new NotAnswered(relation.get().remoteApp() + " has not answered yet");
        }
        Object parsed;
        try {
            parsed = Json.parse(listed);
        } catch (JsonException e) {
            return new Unreadable("the provider's " + CERTIFICATES + " are not JSON");
        }
        if (!(parsed instanceof List<?> entries)) {
            return new Unreadable("the provider's " + CERTIFICATES + " are not a JSON list");
        }
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> fields && own.get().strip().equals(text(fields.get(CSR)).strip())) {
                return issued(fields);
            }
        }
        return new NotAnswered(relation.get().remoteApp() + " has not answered this unit's request yet");
    }

    private static Reading issued(Map<?, ?> fields) {
        Object chain = fields.get("chain");
        List<String> pems = new ArrayList<>();
        if (chain instanceof List<?> list) {
            for (Object pem : list) {
                if (!(pem instanceof String)) {
                    return new Unreadable("the provider's chain for this unit is not a list of PEM texts");
                }
                pems.add((String) pem);
            }
        } else if (chain != null) {
            return new Unreadable("the provider's chain for this unit is not a list of PEM texts");
        }
        if (!(fields.get("certificate") instanceof String cert) || !(fields.get("ca") instanceof String ca)) {
            return new Unreadable("the provider's entry for this unit lacks its certificate or CA");
        }
        return new Issued(new IssuedCertificate(text(fields.get(CSR)), cert, ca, pems));
    }

    /** The CSR this unit wrote to its databag; empty when there is none or it is not the expected shape. */
    private static Optional<String> ownRequest(Relation relation) {
        String written = relation.localUnitData().get(REQUESTS).orElse("");
        if (written.isBlank()) {
            return Optional.empty();
        }
        try {
            if (Json.parse(written) instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> entry
                    && entry.get(CSR) instanceof String pem) {
                return Optional.of(pem);
            }
        } catch (JsonException e) {
            LOG.warn("this unit's {} are not JSON; asking again", REQUESTS);
        }
        return Optional.empty();
    }

    private static String text(Object value) {
        return value instanceof String s ? s : "";
    }
}
