package postgresqlk8s;

import java.util.function.Supplier;

import jujuops.Framework;
import jujuops.Lazy;
import postgresqlk8s.backups.BackupFlows;
import postgresqlk8s.backups.Seams;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.database.DatabaseFlows;
import postgresqlk8s.tls.TlsFlow;

/** Wires the charm's flows to Juju's events. Outside systems are reached only when a flow needs them. */
final class PostgresqlCharm {

    private PostgresqlCharm() {}

    public static void setUp(Framework framework) {
        setUp(framework, new Supplier<Seams>() {
            @Override
            public Seams get() {
                return ProductionSeams.create(framework);
            }
        });
    }

    static void setUp(Framework framework, Supplier<Seams> seams) {
        Supplier<Seams> shared = Lazy.of(seams);
        // Before the backup flows: on a certificates hook the TLS files and record come first, then the
        // TLS server flow (registration order is delivery order).
        TlsFlow.register(framework, shared);
        BackupFlows backups = BackupFlows.register(framework, shared);
        DatabaseFlows.register(framework, shared);
        // After the database flow: on pebble-ready the TLS server's step needs Patroni started
        backups.observeOnceTheDatabaseStarted();
        UnitStatuses.register(framework);
    }
}
