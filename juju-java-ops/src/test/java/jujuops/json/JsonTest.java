package jujuops.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    private static final String SECRET = "s3cr3t-Pa55word";

    @Test
    void nestedDocument_survivesWriteThenParse() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("enabled", true);
        inner.put("nothing", null);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "postgresql-k8s");
        doc.put("count", 3L);
        doc.put("ratio", 0.25);
        doc.put("units", List.of("pg/0", "pg/1"));
        doc.put("inner", inner);
        doc.put("matrix", List.of(List.of(1L, 2L), List.of()));

        String written = Json.write(doc);

        assertEquals("{\"name\":\"postgresql-k8s\",\"count\":3,\"ratio\":0.25,\"units\":[\"pg/0\",\"pg/1\"],"
                + "\"inner\":{\"enabled\":true,\"nothing\":null},\"matrix\":[[1,2],[]]}", written);
        assertEquals(doc, Json.parse(written));
    }

    @Test
    void parsedObjects_keepKeyOrder_andUseMutableCollections() {
        Object parsed = Json.parse(" { \"b\" : [ 1 , 2 ] ,\n\t\"a\" : { } } ");

        Map<?, ?> map = assertInstanceOf(LinkedHashMap.class, parsed);
        assertEquals(List.of("b", "a"), new ArrayList<>(map.keySet()));
        assertInstanceOf(ArrayList.class, map.get("b"));
        assertEquals(Map.of(), map.get("a"));
    }

    @Test
    void integers_parseAsLong_andFractionsOrExponentsAsDouble() {
        assertEquals(42L, Json.parse("42"));
        assertEquals(-7L, Json.parse("-7"));
        assertEquals(9007199254740993L, Json.parse("9007199254740993"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(1500.0, Json.parse("1.5e3"));
        assertEquals(-2.0E-3, Json.parse("-2E-3"));
    }

    @Test
    void integerTooBigForLong_parsesAsDouble() {
        assertEquals(1.0E20, Json.parse("100000000000000000000"));
    }

    @Test
    void literals_parseToBooleansAndNull() {
        assertEquals(Boolean.TRUE, Json.parse("true"));
        assertEquals(Boolean.FALSE, Json.parse("false"));
        assertNull(Json.parse("null"));
    }

    @Test
    void unicodeEscapes_decodeIncludingSurrogatePairs() {
        assertEquals("é€😀/", Json.parse("\"\\u00e9\\u20AC\\ud83d\\ude00\\/\""));
    }

    @Test
    void controlCharactersAndQuotes_roundTrip() {
        String nasty = "line1\nline2\t\"quoted\" back\\slash \r \b \f \u0001 ünï 😀";

        String written = Json.write(nasty);

        assertEquals("\"line1\\nline2\\t\\\"quoted\\\" back\\\\slash \\r \\b \\f \\u0001 ünï 😀\"", written);
        assertEquals(nasty, Json.parse(written));
    }

    @Test
    void write_escapesWhatAYaml11ReaderRefusesOrBreaksLinesAt() {
        String text = "\ude00del\u007f c1\u0085\u009f ls\u2028ps\u2029 nc\uffff lone\ud800 pair\ud83d\ude00 \u00a0ü";

        String written = Json.write(text);

        assertEquals("\"\\ude00del\\u007f c1\\u0085\\u009f ls\\u2028ps\\u2029 nc\\uffff lone\\ud800 pair\ud83d\ude00 \u00a0ü\"", written);
        assertEquals(text, Json.parse(written));
    }

    @Test
    void write_numbersKeepTheirKind() {
        assertEquals("[1,2,2.5]", Json.write(List.of(1, 2L, 2.5)));
    }

    @Test
    void write_nonFiniteNumber_isRefused() {
        assertThrows(JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(JsonException.class, () -> Json.write(Double.POSITIVE_INFINITY));
    }

    @Test
    void write_unknownType_isRefused() {
        JsonException e = assertThrows(JsonException.class, () -> Json.write(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "[1,2", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{a:1}", "tru", "nul", "'x'",
        "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\uZZZZ\"", "1 2", "{} x", "--1", "1.2.3", "+1",
        "\"raw\ncontrol\"",
    })
    void malformedInput_throwsJsonException(String text) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().matches(".* at offset \\d+"), e.getMessage());
    }

    @Test
    void malformedInput_messageGivesTheOffsetWhereItFailed() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("[1, x]"));
        assertEquals("unexpected character at offset 4", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"password\": \"" + SECRET + "\" \"next\": 1}",
        "{\"password\": \"" + SECRET + "\",}",
        "{\"password\": \"" + SECRET,
        "[\"" + SECRET + "\"] trailing",
        SECRET,
    })
    void malformedInput_messageNeverContainsTheInput(String text) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    /** JSON requires exactly four hex digits after {@code \\u}; a sign is not a hex digit. */
    @Test
    void unicodeEscapeWithSign_isRejected() {
        assertThrows(JsonException.class, () -> Json.parse("\"\\u+041\""));
        assertThrows(JsonException.class, () -> Json.parse("\"\\u-041\""));
    }

    @Test
    void parseStringMap_readsAnObjectOfStrings() {
        assertEquals(Map.of("endpoint", "https://s3", "bucket", "b"),
                Json.parseStringMap("{\"endpoint\":\"https://s3\",\"bucket\":\"b\"}"));
    }

    @Test
    void parseStringMap_readsNullAsEmpty() {
        assertEquals(Map.of(), Json.parseStringMap("null"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"port\": 5432}", "{\"tls\": true}", "{\"x\": null}", "{\"x\": {}}", "{\"x\": []}"})
    void parseStringMap_rejectsNonStringValues(String text) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parseStringMap(text));
        assertTrue(e.getMessage().startsWith("expected a string value for key"), e.getMessage());
    }

    @Test
    void parseStringMap_nonStringValue_isNotEchoed() {
        JsonException e = assertThrows(JsonException.class,
                () -> Json.parseStringMap("{\"password\": 987654321}"));
        assertEquals("expected a string value for key 'password', got a number", e.getMessage());
    }

    @Test
    void parseStringMap_rejectsArrays() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parseStringMap("[\"a\"]"));
        assertEquals("expected a JSON object, got an array", e.getMessage());
    }

    @Test
    void parseObject_rejectsScalars() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parseObject("\"" + SECRET + "\""));
        assertEquals("expected a JSON object, got a string", e.getMessage());
    }

    @Test
    void parseStringList_readsStrings_andRejectsOtherItems() {
        assertEquals(List.of("s3-parameters:3", "s3-parameters:4"),
                Json.parseStringList("[\"s3-parameters:3\",\"s3-parameters:4\"]"));
        assertEquals(List.of(), Json.parseStringList("null"));
        JsonException e = assertThrows(JsonException.class, () -> Json.parseStringList("[\"a\", 1]"));
        assertEquals("expected an array of strings, found a number", e.getMessage());
    }

    @Test
    void kind_namesEveryJsonKind() {
        assertEquals(Arrays.asList("null", "a string", "a boolean", "a number", "a number", "an array", "an object"),
                Arrays.asList(Json.kind(null), Json.kind("x"), Json.kind(true), Json.kind(1L), Json.kind(1.5),
                        Json.kind(List.of()), Json.kind(Map.of())));
    }
}
