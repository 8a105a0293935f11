package e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The stack the faults run on, and the checks every fault's line makes the same way: a one-unit cluster
 * related to S3, a table with rows, and a first backup.
 */
public final class FaultBench implements AutoCloseable {

    final LocalStack stack;
    final Lifecycle life;

    private FaultBench(LocalStack stack, Lifecycle life) {
        this.stack = stack;
        this.life = life;
    }

    /** @param volumeBytes each pod's data volume size; 0 for a folder of the machine's disk */
    static FaultBench start(Path charmDir, PrintStream out, long volumeBytes) throws IOException {
        LocalStack stack = LocalStack.start(1, volumeBytes);
        try {
            Lifecycle life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, out);
            life.say("== stack up in " + stack.dir);
            life.deploy();
            life.relateS3();
            stack.sql("create table orders(id int primary key)").check("create table");
            stack.sql("insert into orders select generate_series(1, 42)").check("insert");
            life.action("create-backup");
            if (!life.lastActionFailure().isEmpty()) {
                throw new IOException("the bench's first backup failed: " + life.lastActionFailure());
            }
            return new FaultBench(stack, life);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Injects one fault and checks what every line checks; a scenario that throws is a line that does not hold. */
    FaultRunner.Line inject(FaultRunner.Fault fault) {
        Set<String> before = Set.copyOf(listedBackups());
        FaultRunner.Outcome outcome;
        try {
            outcome = fault.scenario().run(this);
        } catch (Exception | AssertionError e) {
            life.say("!! the scenario broke off: " + e);
            outcome = new FaultRunner.Outcome("scenario broke off: " + e.getMessage(), FaultRunner.Healing.NO, "");
        }
        long checks = System.nanoTime();
        boolean serving = serving();
        List<String> after = listedBackups();
        List<String> lost = new ArrayList<>(before);
        lost.removeAll(after);
        String why = !lost.isEmpty() ? "not listed any more: " + String.join(", ", lost) : stack.repositoryProblem();
        life.say("   (the checks after the fault took " + (System.nanoTime() - checks) / 1_000_000_000 + " s)");
        return new FaultRunner.Line(fault.name(), outcome.endState(), serving, outcome.servesAfter(), why.isEmpty(), why,
                outcome.healed(), fault.expected());
    }

    /**
     * Grows the bench to two units, unit 1 a streaming replica, and relates certificates (a replica backs
     * up only with TLS; the primary of a TLS cluster of several units then refuses backups). Does nothing
     * when unit 1 is there already, so that every fault that needs a replica can ask for one.
     */
    void withReplica() throws IOException {
        if (life.juju.units().size() > 1) {
            return;
        }
        life.say("$ juju add-unit postgresql-k8s");
        fakejuju.Unit added = life.addUnit(1);
        // Juju runs the hooks of the application's relations on a unit that joins them late
        added.queue("s3-parameters-relation-joined", Lifecycle.S3_RELATION, "s3-integrator/0");
        added.queue("s3-parameters-relation-changed", Lifecycle.S3_RELATION, "s3-integrator/0");
        life.settle();
        Faults.expect(Processes.await(90, () -> "1".equals(stack.pod(0).sql(
                "select count(*) from pg_stat_replication where state = 'streaming'").output().strip())),
                "unit 1 streams from the primary");
        life.relateCertificates();
        Faults.expect(Processes.await(60, () -> life.tlsServersListening().size() >= 2),
                "both pods' pgBackRest TLS servers listen: " + life.tlsServersListening());
        for (fakejuju.Unit u : life.juju.units()) {
            Faults.expect(u.status().kind().equals("active"), u.name() + " after growing the bench: " + u.status());
        }
        life.showStatus();
    }

    /**
     * Grows the bench to {@code replicas} replicas of the primary, unit 0 (with TLS, as {@link #withReplica()}):
     * each new unit joins the s3 and certificates relations late, as Juju runs their hooks on it, and the
     * provider signs its certificate. Does nothing when the units are there already.
     */
    void withReplicas(int replicas) throws IOException {
        withReplica();
        for (int n = life.juju.units().size(); n <= replicas; n++) {
            life.say("$ juju add-unit postgresql-k8s");
            fakejuju.Unit added = life.addUnit(n);
            added.queue("s3-parameters-relation-joined", Lifecycle.S3_RELATION, "s3-integrator/0");
            added.queue("s3-parameters-relation-changed", Lifecycle.S3_RELATION, "s3-integrator/0");
            String certificates = fakejuju.CertificatesProvider.APP + "/0";
            added.queue("certificates-relation-created", Lifecycle.CERTIFICATES_RELATION, null);
            added.queue("certificates-relation-joined", Lifecycle.CERTIFICATES_RELATION, certificates);
            added.queue("certificates-relation-changed", Lifecycle.CERTIFICATES_RELATION, certificates);
            life.settle();
        }
        int streaming = replicas;
        Faults.expect(Processes.await(90, () -> Integer.toString(streaming).equals(stack.sql(
                "select count(*) from pg_stat_replication where state = 'streaming'").output().strip())),
                replicas + " replicas stream from the primary");
        Faults.expect(Processes.await(60, () -> life.tlsServersListening().size() >= replicas + 1),
                "every pod's pgBackRest TLS server listens: " + life.tlsServersListening());
        for (fakejuju.Unit u : life.juju.units()) {
            Faults.expect(u.status().kind().equals("active"), u.name() + " after growing the bench: " + u.status());
        }
        life.showStatus();
    }

    /** The primary answers a query. */
    boolean serving() {
        return stack.sql("select count(*) from orders").exitCode() == 0;
    }

    /** The backup ids list-backups shows now (none when it fails). */
    List<String> listedBackups() {
        life.action("list-backups");
        if (!life.lastActionFailure().isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(BackupIds.fromList(life.juju).keySet());
    }

    @Override
    public void close() throws IOException {
        stack.close();
    }
}
