package jujuops.json;

/** Malformed JSON. The message names what and where, never the offending text. */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
