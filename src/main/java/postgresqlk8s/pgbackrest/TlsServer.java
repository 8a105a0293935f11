package postgresqlk8s.pgbackrest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * pgBackRest's TLS server on one unit, as its {@code pgbackrest.conf} describes it: where the server
 * listens, and the other units of the cluster. Each peer is named by its pod's host name, which is both
 * the address this unit reaches that peer's server at ({@code pgN-host}) and the common name of that
 * peer's certificate, which pgBackRest 2.45 matches against {@code tls-server-auth} (the CN only, never a
 * subject alternative name).
 *
 * @param address what {@code tls-server-address} says: {@code *} or the pod's own IP
 * @param port the server's port, and the peers'
 * @param peerHosts the other units' pod host names, in a stable order; at least one
 */
public record TlsServer(String address, int port, List<String> peerHosts) {

    /** pgBackRest's own default for {@code tls-server-port} (2.45: {@code pgbackrest help server tls-server-port}). */
    public static final int DEFAULT_PORT = 8432;
    private static final Pattern ADDRESS = Pattern.compile("\\*|[0-9A-Fa-f:.]+");
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    public TlsServer {
        if (!ADDRESS.matcher(address).matches()) {
            throw new IllegalArgumentException("not an address for pgBackRest's TLS server: " + address);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        peerHosts = List.copyOf(peerHosts);
        if (peerHosts.isEmpty()) {
            throw new IllegalArgumentException("a TLS server needs at least one peer to serve");
        }
        for (String host : peerHosts) {
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("not a host name: " + host);
            }
        }
    }

    boolean defaultPort() {
        return port == DEFAULT_PORT;
    }
}
