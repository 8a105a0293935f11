package e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay on 127.0.0.1 that delivers every byte {@code oneWayMillis} after it arrived, both ways: the
 * round trip of an S3 endpoint that is not on the same machine (TLS passes through untouched, so the
 * clients see S3Proxy's certificate and sign for this port, which S3Proxy accepts). Bandwidth is not
 * limited. For benchmarks whose outcome depends on round trips, not for tests of behaviour.
 */
final class LatencyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final long oneWayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private LatencyProxy(int upstreamPort, long oneWayMillis) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.oneWayNanos = oneWayMillis * 1_000_000;
    }

    static LatencyProxy start(int upstreamPort, long oneWayMillis) throws IOException {
        LatencyProxy proxy = new LatencyProxy(upstreamPort, oneWayMillis);
        daemon("latency-accept", proxy::accept);
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    /** One direction: a reader stamps each chunk with its due time, a writer delivers it then. */
    private void relay(Socket from, Socket to) {
        BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
        daemon("latency-read", () -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    line.add(new Chunk(System.nanoTime() + oneWayNanos, java.util.Arrays.copyOf(buf, n)));
                }
            } catch (IOException e) {
                // the connection ended
            }
            line.add(new Chunk(System.nanoTime() + oneWayNanos, new byte[0]));
        });
        daemon("latency-write", () -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = line.take();
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (c.bytes().length == 0) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
        });
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
