package postgresqlk8s.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PeerTlsTest {

    @Test
    void unitOfPod_isTheInverseOfThePodName() {
        assertEquals("postgresql-k8s/1", PeerTls.unitOfPod("postgresql-k8s", "postgresql-k8s-1"));
        assertEquals("pg/12", PeerTls.unitOfPod("pg", "pg-12"));
    }

    @Test
    void unitOfPod_refusesAnotherApplicationsPod() {
        assertThrows(IllegalArgumentException.class, () -> PeerTls.unitOfPod("postgresql-k8s", "s3-integrator-0"));
    }
}
