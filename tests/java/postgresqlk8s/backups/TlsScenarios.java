package postgresqlk8s.backups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.tls.TestCa;
import postgresqlk8s.tls.UnitKey;

/**
 * A representative run of every path of the certificates relation, good and bad, each reporting
 * everything an operator, a log reader or the provider could see (as {@link BackupScenarios} does for
 * the S3 keys). Public so that {@code postgresqlk8s.SecretLeakTest} can scan it for the private key.
 */
public final class TlsScenarios {

    /** What one scenario let out, and the private key it ran with (as PEM body lines to look for). */
    public record Observed(String scenario, List<String> lines, List<String> secrets) {}

    private record Scenario(String name, Consumer<BackupWorld> script, Function<BackupWorld, State> state, String event) {}

    private static final TestCa CA = TestCa.root("self-signed-certificates-operator");

    private TlsScenarios() {}

    private static State asked(BackupWorld world, State in) {
        Result r = TlsFlowTest.context(world).run(TestEvent.relation("changed", in.relationOn("certificates")), in);
        world.exec.commands().clear();
        return r.state();
    }

    private static State cluster() {
        return TlsFlowTest.cluster(Map.of());
    }

    private static List<Scenario> all() {
        List<Scenario> s = new ArrayList<>();
        s.add(new Scenario("certificates: first request, the key is made and stored", w -> { },
                w -> cluster().withoutSecret(TlsFlowTest.KEY_SECRET.id()), "changed"));
        s.add(new Scenario("certificates: the stored key is unusable, a new one is made", w -> { },
                w -> cluster().withSecret(TlsFlowTest.KEY_SECRET.withNewRevision(Map.of("private-key",
                        TlsFlowTest.KEY.pem().substring(0, 200)))), "changed"));
        s.add(new Scenario("certificates: provider not answered", w -> { }, w -> cluster(), "changed"));
        s.add(new Scenario("certificates: pod address refused", w -> w.pod.refusal = "forbidden", w -> cluster(), "changed"));
        s.add(new Scenario("certificates: signed certificate installed", w -> { }, w -> {
            State asked = asked(w, cluster());
            String cert = CA.sign(TlsFlowTest.csrOf(asked));
            return TlsFlowTest.answered(asked, cert, CA.pem(), List.of(cert, CA.pem()));
        }, "changed"));
        s.add(new Scenario("certificates: certificate for another key", w -> { }, w -> {
            State asked = asked(w, cluster());
            return TlsFlowTest.answered(asked, CA.issue(UnitKey.generate().publicKey()), CA.pem(), List.of());
        }, "changed"));
        s.add(new Scenario("certificates: expired certificate", w -> { }, w -> {
            State asked = asked(w, cluster());
            String cert = CA.sign(TlsFlowTest.csrOf(asked), TestCa.NOW.minus(Duration.ofDays(9)), TestCa.NOW.minus(Duration.ofDays(1)));
            return TlsFlowTest.answered(asked, cert, CA.pem(), List.of());
        }, "changed"));
        s.add(new Scenario("certificates: chain does not verify", w -> { }, w -> {
            State asked = asked(w, cluster());
            return TlsFlowTest.answered(asked, TestCa.root("x").sign(TlsFlowTest.csrOf(asked)), CA.pem(), List.of());
        }, "changed"));
        s.add(new Scenario("certificates: garbage JSON", w -> { },
                w -> TlsFlowTest.withProviderData(asked(w, cluster()), "{not json"), "changed"));
        s.add(new Scenario("certificates: garbage PEM", w -> { }, w -> {
            State asked = asked(w, cluster());
            return TlsFlowTest.answered(asked, "-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----", "x", List.of("y"));
        }, "changed"));
        s.add(new Scenario("certificates: key file cannot be written", w -> { }, w -> {
            State asked = asked(w, cluster());
            w.exec.answer("dd", BackupWorld.failed(1, "dd: error writing: No space left on device"));
            String cert = CA.sign(TlsFlowTest.csrOf(asked));
            return TlsFlowTest.answered(asked, cert, CA.pem(), List.of());
        }, "changed"));
        s.add(new Scenario("certificates: workload unreachable, deferred", w -> { }, w -> {
            State asked = asked(w, cluster());
            w.exec.unreachable();
            String cert = CA.sign(TlsFlowTest.csrOf(asked));
            return TlsFlowTest.answered(asked, cert, CA.pem(), List.of());
        }, "changed"));
        s.add(new Scenario("certificates: relation broken", w -> { }, w -> {
            State asked = asked(w, cluster());
            String cert = CA.sign(TlsFlowTest.csrOf(asked));
            State on = TlsFlowTest.context(w).run(TestEvent.relation("changed", asked.relationOn("certificates")),
                    TlsFlowTest.answered(asked, cert, CA.pem(), List.of())).state();
            w.exec.commands().clear();
            return on;
        }, "broken"));
        return s;
    }

    public static List<String> names() {
        return all().stream().map(Scenario::name).toList();
    }

    /** Runs one scenario with DEBUG logging and standard output and error captured. */
    public static Observed run(String name) {
        Scenario scenario = all().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        BackupWorld world = new BackupWorld();
        scenario.script().accept(world);
        State in = scenario.state().apply(world);
        Result[] out = new Result[1];
        BackupScenarios.Observed seen = BackupScenarios.captured(name, world, () -> out[0] = TlsFlowTest.context(world)
                .run(TestEvent.relation(scenario.event(), in.relationOn("certificates")), in));
        List<String> keys = new ArrayList<>(keyLines(TlsFlowTest.KEY.pem()));
        out[0].state().secrets().values().forEach(secret -> secret.revisions().values().forEach(
                content -> keys.addAll(keyLines(content.getOrDefault("private-key", "")))));
        return new Observed(name, seen.lines(), keys);
    }

    /**
     * The lines of a PEM key's body that hold only private parts: the first lines of an RSA PKCS#8 key
     * are its header and modulus, which the CSR and the certificate carry too (public).
     */
    static List<String> keyLines(String pem) {
        List<String> lines = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String line : pem.split("\n")) {
            if (!line.startsWith("-----")) {
                body.add(line);
            }
        }
        for (int i = 7; i < body.size(); i++) {
            if (body.get(i).length() == 64) {
                lines.add(body.get(i));
            }
        }
        return lines;
    }
}
