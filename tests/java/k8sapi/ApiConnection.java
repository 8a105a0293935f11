package k8sapi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Optional;

/**
 * One client connection: its requests read in turn, each token checked, then a REST call
 * ({@link RestHandler}) or an exec ({@link ExecHandler}), which takes the connection over once upgraded.
 */
final class ApiConnection {

    private final LocalKubernetesApi api;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private ApiConnection(LocalKubernetesApi api, Socket socket) throws IOException {
        this.api = api;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    static void serve(LocalKubernetesApi api, Socket socket) {
        try (socket) {
            new ApiConnection(api, socket).serve();
        } catch (IOException e) {
            // the client hung up or the server is closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() throws IOException, InterruptedException {
        for (HttpRequest request = HttpRequest.read(in); request != null; request = HttpRequest.read(in)) {
            api.countRequest();
            if (refused(request)) {
                continue;
            }
            if (isExec(request)) {
                if (exec(request)) {
                    return; // an upgraded connection carries one exec
                }
                continue;
            }
            api.recordRestCall(request.method() + " " + request.path() + query(request));
            int failure = api.failure(request);
            if (failure != 0) {
                HttpRequest.respond(out, failure, HttpRequest.status(failure, "InternalError", "etcdserver: request timed out"));
                continue;
            }
            RestHandler.handle(api, request, out);
        }
    }

    /** Runs one exec; false when it was refused without an upgrade (the connection may go on). */
    private boolean exec(HttpRequest request) throws IOException, InterruptedException {
        String[] parts = request.path().split("/");
        Optional<List<String>> prefix = api.pods().execPrefix(parts[4], parts[6]);
        if (prefix.isEmpty()) {
            return refuse(ApiError.notFound("pods", parts[6]));
        }
        if (!request.header("Upgrade").equalsIgnoreCase("websocket")) {
            return refuse(ApiError.badRequest("pod exec needs a WebSocket upgrade here"));
        }
        api.execStarted(socket, request.params("command"));
        try {
            ExecHandler.handle(api, request, prefix.get(), in, out);
            return true;
        } finally {
            api.execEnded(socket);
        }
    }

    private boolean refuse(ApiError error) throws IOException {
        HttpRequest.respond(out, error.code, error.statusJson());
        return false;
    }

    /** Answers 401 or 403 when the token does not allow the request. */
    private boolean refused(HttpRequest request) throws IOException {
        int code = api.refusal(request.header("Authorization").replaceFirst("^Bearer ", ""));
        if (code != 0) {
            HttpRequest.respond(out, code, HttpRequest.status(code, HttpRequest.reason(code).replace(" ", ""),
                    code == 401 ? "Unauthorized" : "forbidden: cannot do this in namespace " + api.namespace()));
        }
        return code != 0;
    }

    private static boolean isExec(HttpRequest request) {
        String[] parts = request.path().split("/");
        return parts.length == 8 && parts[7].equals("exec") && parts[5].equals("pods");
    }

    private static String query(HttpRequest request) {
        return request.query().isEmpty() ? "" : "?" + String.join("&",
                request.query().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
