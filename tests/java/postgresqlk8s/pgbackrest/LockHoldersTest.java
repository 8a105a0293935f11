package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

public class LockHoldersTest {

    /** What pgBackRest 2.45 printed on a replica whose backup started while another replica's ran (local stack). */
    public static final String SECOND_BACKUP = """
            P00   INFO: backup command begin 2.45: --backup-standby --exec-id=123-abc --stanza=e2e.patroni-postgresql-k8s
            P00   WARN: unable to check pg2: [LockAcquireError] raised from remote-0 tls protocol on \
            'postgresql-k8s-0.postgresql-k8s-endpoints': unable to acquire lock on file \
            '/tmp/e2e.patroni-postgresql-k8s-backup.lock': Resource temporarily unavailable
                        HINT: is another pgBackRest process running?
            P00   WARN: unable to check pg3: [LockAcquireError] raised from remote-0 tls protocol on \
            'postgresql-k8s-2.postgresql-k8s-endpoints': unable to acquire lock on file \
            '/tmp/e2e.patroni-postgresql-k8s-backup.lock': Resource temporarily unavailable
                        HINT: is another pgBackRest process running?
            P00  ERROR: [056]: unable to find primary cluster - cannot proceed
            """;

    @Test
    void remote_namesEachPeerWhoseLockWasHeld_inOrder_once() {
        assertEquals(List.of("postgresql-k8s-0.postgresql-k8s-endpoints", "postgresql-k8s-2.postgresql-k8s-endpoints"),
                LockHolders.remote(SECOND_BACKUP + SECOND_BACKUP));
    }

    @Test
    void remote_noneForOtherFailures_norForAPeerThatDidNotAnswer() {
        assertEquals(List.of(), LockHolders.remote("P00  ERROR: [082]: WAL segment 000000010000000000000003 was not archived"));
        assertEquals(List.of(), LockHolders.remote("P00   WARN: unable to check pg2: [HostConnectError] raised from remote-0 tls"
                + " protocol on 'postgresql-k8s-0.postgresql-k8s-endpoints': unable to connect\n"));
        assertEquals(List.of(), LockHolders.remote("P00  ERROR: [050]: unable to acquire lock on file '/tmp/x-backup.lock'"));
    }

    @Test
    void shortName_isThePodsName_andAnAddressStaysWhole() {
        assertEquals("postgresql-k8s-0", LockHolders.shortName("postgresql-k8s-0.postgresql-k8s-endpoints"));
        assertEquals("10.1.2.3", LockHolders.shortName("10.1.2.3"));
        assertEquals("fd00::1", LockHolders.shortName("fd00::1"));
    }
}
