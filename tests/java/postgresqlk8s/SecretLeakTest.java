package postgresqlk8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import postgresqlk8s.backups.BackupScenarios;
import postgresqlk8s.backups.TlsScenarios;

/**
 * The S3 keys go into pgbackrest.conf and nowhere else: not into a hook-tool call, a juju-log line, an
 * action result, failure or log, a status, an exec argv, an S3 object, Patroni's configuration, relation
 * data, a deferred event, or anything printed to standard output or error — whatever pgBackRest and S3
 * echo back. (Exec stdin is not scanned: it legitimately carries the config file.)
 *
 * <p>Likewise the unit's TLS private key goes into its Juju secret and the workload's key file only: not
 * into an exec argv, a log line, relation data, a status, stored state, a deferred event, a result or an
 * exception (stdin, which fills the key file, and the secret's own content are not scanned).
 */
class SecretLeakTest {

    static List<String> scenarios() {
        return BackupScenarios.names();
    }

    @Test
    void theScenarios_coverEveryFlow() {
        List<String> names = scenarios();
        for (String flow : List.of("s3 credentials changed", "create-backup", "list-backups", "restore", "update-status",
                "s3 credentials gone", "certificates changed")) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(flow)), flow);
        }
        assertTrue(names.size() >= 30, names.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void noKeyLeaks(String scenario) {
        BackupScenarios.Observed observed = BackupScenarios.run(scenario);
        assertTrue(observed.lines().size() > 3, "the scenario ran: " + observed.lines());
        List<String> leaks = new ArrayList<>();
        for (String line : observed.lines()) {
            for (String secret : BackupScenarios.SECRETS) {
                if (line.contains(secret)) {
                    leaks.add(line);
                }
            }
        }
        assertEquals(List.of(), leaks, "S3 keys seen outside pgbackrest.conf");
    }

    static List<String> tlsScenarios() {
        return TlsScenarios.names();
    }

    @Test
    void theTlsScenarios_coverEveryPath() {
        List<String> names = tlsScenarios();
        for (String path : List.of("first request", "unusable", "not answered", "installed", "another key", "expired",
                "chain", "garbage JSON", "garbage PEM", "cannot be written", "unreachable", "broken")) {
            assertTrue(names.stream().anyMatch(n -> n.contains(path)), path);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tlsScenarios")
    void noPrivateKeyLeaks(String scenario) {
        TlsScenarios.Observed observed = TlsScenarios.run(scenario);
        assertTrue(observed.lines().size() > 3, "the scenario ran: " + observed.lines());
        assertTrue(observed.secrets().size() >= 10, "the key's private lines are known: " + observed.secrets().size());
        List<String> leaks = new ArrayList<>();
        for (String line : observed.lines()) {
            for (String secret : observed.secrets()) {
                if (line.contains(secret)) {
                    leaks.add(line);
                }
            }
        }
        assertEquals(List.of(), leaks, "the private key seen outside its secret and key file");
    }
}
