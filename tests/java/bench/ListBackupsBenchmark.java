package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import postgresqlk8s.backups.BackupList;
import postgresqlk8s.pgbackrest.PgBackRestInfo;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.s3.S3Endpoint;
import postgresqlk8s.s3.S3Parameters;

/** list_1000_backups_ms: the charm's own parse and format of a pgBackRest info document of 1,000 backups. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ListBackupsBenchmark {

    static final StanzaName STANZA = new StanzaName("bench.patroni-postgresql-k8s");
    static final S3Parameters S3 = new S3Parameters("bucket", "a", "s",
            new S3Endpoint("s3.example.com", 443, S3Endpoint.UriStyle.PATH), "us-east-1", "/pg",
            Optional.empty(), Optional.empty(), List.of());

    String info;

    /** 1,000 backups: a full one every tenth, differentials in between, as pgBackRest 2.45 writes them. */
    @Setup
    public void document() {
        List<String> backups = new ArrayList<>();
        long t = 1_700_000_000L;
        String full = null;
        for (int i = 0; i < 1000; i++, t += 3600) {
            String stamp = new java.text.SimpleDateFormat("yyyyMMdd-HHmmss").format(new java.util.Date(t * 1000));
            String label = i % 10 == 0 ? stamp + "F" : full + "_" + stamp + "D";
            if (i % 10 == 0) {
                full = stamp + "F";
            }
            String ref = i % 10 == 0 ? "null" : "[\"" + full + "\"]";
            backups.add("{\"archive\":{\"start\":\"000000010000000000000003\",\"stop\":\"000000010000000000000004\"},"
                    + "\"backrest\":{\"format\":5,\"version\":\"2.45\"},\"database\":{\"id\":1,\"repo-key\":1},\"error\":false,"
                    + "\"info\":{\"delta\":1,\"repository\":{\"delta\":1,\"size\":1},\"size\":1},\"label\":\"" + label + "\","
                    + "\"lsn\":{\"start\":\"0/3000028\",\"stop\":\"0/3000100\"},\"prior\":null,\"reference\":" + ref + ","
                    + "\"timestamp\":{\"start\":" + t + ",\"stop\":" + (t + 5) + "},\"type\":\"" + (i % 10 == 0 ? "full" : "diff") + "\"}");
        }
        info = "[{\"archive\":[],\"backup\":[" + String.join(",", backups) + "],\"cipher\":\"none\",\"db\":[],"
                + "\"name\":\"" + STANZA + "\",\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":0,\"message\":\"ok\"}}],"
                + "\"status\":{\"code\":0,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"ok\"}}]";
    }

    @Benchmark
    public String parseAndFormat() throws PgBackRestInfo.InfoFormatException {
        return BackupList.format(S3, STANZA, PgBackRestInfo.parse(info).stanza(STANZA).orElseThrow().backups());
    }
}
