package postgresqlk8s.patroni;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Patroni's REST API on 127.0.0.1 as the test scripts it: each request gets the next enqueued answer
 * (a status and a body) and is recorded as "METHOD /path" for {@link #take()}.
 */
final class ScriptedPatroniApi implements AutoCloseable {

    private record Answer(int status, String body) {}

    private final HttpServer server;
    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

    ScriptedPatroniApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    ScriptedPatroniApi enqueue(int status, String body) {
        answers.add(new Answer(status, body));
        return this;
    }

    /** The oldest request not yet taken; it was recorded before its answer was sent. */
    String take() throws InterruptedException {
        String request = requests.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the scripted Patroni");
        }
        return request;
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        Answer answer = answers.poll();
        if (answer == null) {
            answer = new Answer(500, "the test scripted no answer for this request");
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
