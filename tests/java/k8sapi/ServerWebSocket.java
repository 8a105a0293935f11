package k8sapi;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The server end of a WebSocket (RFC 6455): masked frames in, unmasked frames out. */
final class ServerWebSocket {

    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    record Frame(int opcode, byte[] payload) {}

    private final InputStream in;
    private final OutputStream out;

    ServerWebSocket(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** Answers the upgrade request with the chosen subprotocol. */
    static void accept(OutputStream out, String key, String protocol) throws IOException {
        String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static String acceptKey(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next frame from the client; EOFException when the connection ends. */
    Frame read() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("frame cut short");
        }
        for (int i = 0; mask != null && i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame(b0 & 0x0f, payload);
    }

    /** Sends {@code [channel] + bytes} as one binary frame. */
    void sendChannel(int channel, byte[] bytes, int offset, int length) throws IOException {
        byte[] payload = new byte[length + 1];
        payload[0] = (byte) channel;
        System.arraycopy(bytes, offset, payload, 1, length);
        send(BINARY, payload);
    }

    synchronized void send(int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        out.write(payload);
        out.flush();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }
}
