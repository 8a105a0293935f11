package e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The addresses one local stack's pods take: {@code 127.0.<block>.11}, {@code .12}, ... A stack claims the
 * lowest free block by creating {@code /var/tmp/pgk8s-net/<block>.pid} (an atomic create; a claim whose
 * process is gone is taken over), so that stacks of several JVMs (the test command runs two at once) never
 * share a pod's address, and the first stack on a quiet machine gets 127.0.0.11 as the README says.
 */
final class AddressBlock implements AutoCloseable {

    static final Path CLAIMS = Path.of("/var/tmp/pgk8s-net");
    private static final int BLOCKS = 32;

    private final int block;
    private final Path claim;

    private AddressBlock(int block, Path claim) {
        this.block = block;
        this.claim = claim;
    }

    static AddressBlock claim() throws IOException {
        Files.createDirectories(CLAIMS);
        String me = Long.toString(ProcessHandle.current().pid());
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int b = 0; b < BLOCKS; b++) {
                Path claim = CLAIMS.resolve(b + ".pid");
                try {
                    Files.writeString(Files.createFile(claim), me);
                    return new AddressBlock(b, claim);
                } catch (FileAlreadyExistsException taken) {
                    if (attempt == 0 && holderGone(claim)) {
                        Files.deleteIfExists(claim);
                    }
                }
            }
        }
        throw new IOException("no free address block: " + BLOCKS + " stacks hold " + CLAIMS);
    }

    private static boolean holderGone(Path claim) {
        try {
            String pid = Files.readString(claim, StandardCharsets.UTF_8).strip();
            return pid.isEmpty() ? false : ProcessHandle.of(Long.parseLong(pid)).isEmpty();
        } catch (NoSuchFileException gone) {
            return false; // released meanwhile: the next attempt creates it
        } catch (IOException | NumberFormatException unreadable) {
            return false; // being written by its claimer, or not ours to judge
        }
    }

    /** Unit n's pod address. */
    String ip(int n) {
        return "127.0." + block + "." + (11 + n);
    }

    /** The range a stack of {@code units} pods uses, for what a run prints. */
    String range(int units) {
        return ip(0) + "-" + (11 + Math.max(units, 1) - 1);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(claim);
    }
}
