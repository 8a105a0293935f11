package k8sapi;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jujuops.json.Json;

/** One HTTP/1.1 request as the local API reads it, body included, and the few answers it writes. */
record HttpRequest(
        String method, String path, List<Map.Entry<String, String>> query, Map<String, String> headers, byte[] body) {

    /** The next request on a connection, with its body (Content-Length or chunked); null when the client hung up. */
    static HttpRequest read(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new HashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        byte[] body = body(in, headers);
        String target = parts[1];
        int mark = target.indexOf('?');
        String path = mark < 0 ? target : target.substring(0, mark);
        return new HttpRequest(parts[0], path, mark < 0 ? List.of() : query(target.substring(mark + 1)), headers, body);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The query parameter's one value, or "" when absent. */
    String param(String name) {
        List<String> values = params(name);
        return values.isEmpty() ? "" : values.get(0);
    }

    List<String> params(String name) {
        return query.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    String header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    /** A Kubernetes-shaped answer: JSON body, kept alive. */
    static void respond(OutputStream out, int code, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + code + " " + reason(code) + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** The head of a chunked answer, for a watch: events follow as {@link #writeChunk}s. */
    static void respondChunked(OutputStream out, int code) throws IOException {
        String head = "HTTP/1.1 " + code + " " + reason(code) + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One chunk; an empty one ends the answer. */
    static void writeChunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A {@code metav1.Status} for an error answer. */
    static String status(int code, String reason, String message) {
        return Json.write(Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(), "status", "Failure",
                "message", message, "reason", reason, "code", code));
    }

    static String reason(int code) {
        return switch (code) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 500 -> "Internal Server Error";
            default -> "Error";
        };
    }

    private static List<Map.Entry<String, String>> query(String query) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(Map.entry(decode(name), decode(value)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (long size = chunkSize(in); size > 0; size = chunkSize(in)) {
                body.write(exactly(in, (int) size));
                line(in); // the CRLF after each chunk
            }
            for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                // trailers carry nothing for us
            }
            return body.toByteArray();
        }
        return exactly(in, Integer.parseInt(headers.getOrDefault("content-length", "0").trim()));
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("body cut short");
        }
        return bytes;
    }

    private static long chunkSize(InputStream in) throws IOException {
        String size = line(in);
        if (size == null) {
            throw new EOFException("chunked body cut short");
        }
        return Long.parseLong(size.split(";")[0].trim(), 16);
    }

    /** One CRLF-terminated line, byte by byte so nothing after the head is consumed. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
