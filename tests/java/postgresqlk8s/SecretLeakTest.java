package postgresqlk8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import postgresqlk8s.backups.BackupScenarios;

/**
 * The S3 keys go into pgbackrest.conf and nowhere else: not into a hook-tool call, a juju-log line, an
 * action result, failure or log, a status, an exec argv, an S3 object, Patroni's configuration, relation
 * data, a deferred event, or anything printed to standard output or error — whatever pgBackRest and S3
 * echo back. (Exec stdin is not scanned: it legitimately carries the config file.)
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
}
