package postgresqlk8s.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class WorkloadFilesTest {

    private static final String PATH = "/var/lib/postgresql/data/patroni.yml";
    private static final String TMP = PATH + ".tmp";
    private static final String CONTENT = "{\"password\":\"hunter2-S3CRET\"}\n";

    private final ScriptedExec exec = new ScriptedExec();
    private final WorkloadFiles files = new WorkloadFiles(exec);

    private static void assertRanAsRoot(List<String> argv, Command command) {
        assertEquals(argv, command.argv());
        assertEquals("root", command.user());
        assertEquals(Duration.ofSeconds(30), command.deadline());
    }

    @Test
    void write_createsTheFileEmptyWithItsOwnerAndMode_fillsItFromStdin_thenMovesItIntoPlace() throws Exception {
        files.write(PATH, CONTENT, "postgres", "0600");

        Command create = exec.take();
        assertRanAsRoot(List.of("install", "-m", "0600", "-o", "postgres", "-g", "postgres", "/dev/null", TMP), create);
        assertNull(create.stdin());
        Command fill = exec.take();
        assertRanAsRoot(List.of("dd", "of=" + TMP, "bs=30", "count=1", "iflag=fullblock", "status=none"), fill);
        assertArrayEquals(CONTENT.getBytes(StandardCharsets.UTF_8), fill.stdin());
        assertEquals(64 * 1024, fill.captureLimit());
        assertRanAsRoot(List.of("mv", "-f", TMP, PATH), exec.take());
        assertEquals(3, exec.commands().size());
    }

    @Test
    void write_countsBytesNotCharacters() throws Exception {
        files.write("/etc/motd", "é€", "root", "0644");

        exec.take();
        assertEquals("bs=5", exec.take().argv().get(2));
    }

    @Test
    void write_emptyContent_createsAndMoves_withoutAFill() throws Exception {
        files.write("/etc/empty", "", "root", "0644");

        assertRanAsRoot(List.of("install", "-m", "0644", "-o", "root", "-g", "root", "/dev/null", "/etc/empty.tmp"), exec.take());
        assertRanAsRoot(List.of("mv", "-f", "/etc/empty.tmp", "/etc/empty"), exec.take());
        assertEquals(2, exec.commands().size());
    }

    @Test
    void createFails_saysWhichStepWithExitCodeAndStderr_andGoesNoFurther() {
        exec.enqueueFailure(1, "install: cannot create regular file '" + TMP + "': Read-only file system\n");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> files.write(PATH, CONTENT, "postgres", "0600"));

        assertEquals("could not create " + TMP + ": exit 1 install: cannot create regular file '" + TMP
                + "': Read-only file system", e.getMessage());
        assertEquals(1, exec.commands().size());
    }

    @Test
    void fillFails_saysWhichStepWithExitCodeAndStderr_neverTheContent_andMovesNothing() {
        exec.enqueue(ScriptedExec.OK).enqueueFailure(1, "dd: error writing '" + TMP + "': No space left on device\n");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> files.write(PATH, CONTENT, "postgres", "0600"));

        assertEquals("could not fill " + TMP + ": exit 1 dd: error writing '" + TMP + "': No space left on device", e.getMessage());
        assertFalse(e.getMessage().contains("S3CRET"));
        assertEquals(2, exec.commands().size());
    }

    @Test
    void moveFails_saysWhichStepWithExitCodeAndStderr() {
        exec.enqueue(ScriptedExec.OK).enqueue(ScriptedExec.OK).enqueueFailure(1, "mv: cannot move: Permission denied");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> files.write(PATH, CONTENT, "postgres", "0600"));

        assertEquals("could not move " + TMP + " to " + PATH + ": exit 1 mv: cannot move: Permission denied", e.getMessage());
        assertFalse(e.getMessage().contains("S3CRET"));
    }

    @Test
    void unreachableContainer_isReportedAsSuch() {
        exec.enqueueUnreachable("pod postgresql-k8s-0 is not reachable");

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class,
                () -> files.write(PATH, CONTENT, "postgres", "0600"));

        assertEquals("pod postgresql-k8s-0 is not reachable", e.getMessage());
        assertEquals(1, exec.commands().size());
    }

    @Test
    void replaceAll_writesEveryFileBesideItsOldOne_beforeRenamingAny() throws Exception {
        files.replaceAll(List.of(new WorkloadFiles.Content("/d/key.pem", "KEY"), new WorkloadFiles.Content("/d/cert.pem", "CERT")),
                "postgres", "0600");

        List<String> argv0 = exec.commands().stream().map(c -> c.argv().get(0)).toList();
        assertEquals(List.of("install", "dd", "install", "dd", "mv", "mv"), argv0);
        assertRanAsRoot(List.of("mv", "-f", "/d/key.pem.tmp", "/d/key.pem"), exec.commands().get(4));
        assertRanAsRoot(List.of("mv", "-f", "/d/cert.pem.tmp", "/d/cert.pem"), exec.commands().get(5));
    }

    @Test
    void replaceAll_aWriteFails_renamesNothing_removesTheTemporaryFiles_andSaysWhichStep() {
        exec.enqueue(ScriptedExec.OK).enqueue(ScriptedExec.OK).enqueueFailure(1, "install: No space left on device");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> files.replaceAll(
                List.of(new WorkloadFiles.Content("/d/key.pem", "KEY"), new WorkloadFiles.Content("/d/cert.pem", "CERT")),
                "postgres", "0600"));

        assertEquals("could not create /d/cert.pem.tmp: exit 1 install: No space left on device", e.getMessage());
        List<List<String>> argvs = exec.commands().stream().map(Command::argv).toList();
        assertFalse(argvs.stream().anyMatch(a -> a.get(0).equals("mv")), argvs.toString());
        assertEquals(List.of("rm", "-f", "--", "/d/key.pem.tmp", "/d/cert.pem.tmp"), argvs.get(argvs.size() - 1));
    }

    @Test
    void removeAll_removesWithoutFailingOnMissingFiles() throws Exception {
        files.removeAll(List.of("/d/a", "/d/b"));

        assertRanAsRoot(List.of("rm", "-f", "--", "/d/a", "/d/b"), exec.take());
    }
}
