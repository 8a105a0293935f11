package postgresqlk8s.kubernetes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output stream of a command, kept up to a limit; what comes beyond it is counted and dropped, so
 * the heap stays bounded however much the command prints. Written by one thread only.
 */
final class BoundedCapture {

    private final int limit;
    private byte[] buffer;
    private int size;
    private long total;

    BoundedCapture(int limit) {
        this.limit = Math.max(0, limit);
        this.buffer = new byte[Math.min(this.limit, 8192)];
    }

    void append(byte[] bytes, int offset, int length) {
        total += length;
        int keep = Math.min(length, limit - size);
        if (keep <= 0) {
            return;
        }
        if (size + keep > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(size + keep, buffer.length * 2)));
        }
        System.arraycopy(bytes, offset, buffer, size, keep);
        size += keep;
    }

    boolean truncated() {
        return total > size;
    }

    long total() {
        return total;
    }

    String text() {
        return new String(buffer, 0, size, StandardCharsets.UTF_8);
    }
}
