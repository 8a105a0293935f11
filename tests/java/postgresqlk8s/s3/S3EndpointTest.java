package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import postgresqlk8s.s3.S3Endpoint.UriStyle;

/** The endpoint as the s3-integrator gives it, read once into what pgBackRest and the SDK both use. */
class S3EndpointTest {

    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> S3Endpoint.parse(text, UriStyle.PATH)).getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            https://s3.amazonaws.com        | s3.amazonaws.com   | 443   | https://s3.amazonaws.com
            https://minio.example:9000      | minio.example      | 9000  | https://minio.example:9000
            https://minio.example:443       | minio.example      | 443   | https://minio.example
            HTTPS://minio.example           | minio.example      | 443   | https://minio.example
            https://10.1.2.3:7480           | 10.1.2.3           | 7480  | https://10.1.2.3:7480
            s3.example.com                  | s3.example.com     | 443   | https://s3.example.com
            127.0.0.1:9000                  | 127.0.0.1          | 9000  | https://127.0.0.1:9000
            ' [::1]:9000 '                  | [::1]              | 9000  | https://[::1]:9000
            https://h:1//                   | h                  | 1     | https://h:1
            https://user:pw@h/              | h                  | 443   | https://h
            """)
    void usable(String text, String host, int port, String url) {
        S3Endpoint e = S3Endpoint.parse(text, UriStyle.PATH);
        assertEquals(new S3Endpoint(host, port, UriStyle.PATH), e);
        assertEquals("https", e.scheme());
        assertEquals(url, e.url());
        assertEquals(URI.create(url), e.uri());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://minio.example:9000   | endpoint must be an https URL: pgBackRest speaks S3 over TLS only
            HTTP://minio.example        | endpoint must be an https URL: pgBackRest speaks S3 over TLS only
            ftp://minio.example         | endpoint must be an https URL: pgBackRest speaks S3 over TLS only
            https://                    | endpoint is not a URL (Expected authority)
            not a url at all            | endpoint is not a URL (Illegal character in authority)
            ://minio.example            | endpoint is not a URL (Expected scheme name)
            https://h^x                 | endpoint is not a URL (Illegal character in authority)
            https://h_x                 | endpoint names no host and port (Illegal character in hostname)
            minio.example:port          | endpoint names no host and port (Illegal character in port number)
            https://:9000               | endpoint names no host and port (Expected hostname)
            https://minio.example/s3    | endpoint must be a host and port only: pgBackRest takes no path
            https://minio.example?x=1   | endpoint must be a host and port only: pgBackRest takes no path
            https://minio.example:0     | endpoint port must be from 1 to 65535
            https://minio.example:65536 | endpoint port must be from 1 to 65535
            """)
    void refused_sayingWhy(String text, String reason) {
        assertEquals(reason, refusal(text));
    }

    @Test
    void aRefusal_neverEchoesTheValue() {
        for (String text : new String[] {"http://user:CANARY-5f3a@h", "https://CANARY-5f3a^", "https://h/CANARY-5f3a"}) {
            String reason = refusal(text);
            assertFalse(reason.contains("CANARY"), reason);
        }
    }

    @Test
    void pathStyle_andHostStyle() {
        S3Endpoint path = S3Endpoint.parse("https://minio.example", UriStyle.PATH);
        S3Endpoint host = S3Endpoint.parse("https://minio.example", UriStyle.HOST);
        assertTrue(path.pathStyle());
        assertFalse(host.pathStyle());
        assertEquals("path", path.uriStyle().value());
        assertEquals("host", host.uriStyle().value());
        assertEquals("https://minio.example (host-style)", host.toString());
    }

    @Test
    void uriStyle_readsOnlyTheTwoWords() {
        assertEquals(UriStyle.HOST, UriStyle.of("host").orElseThrow());
        assertEquals(UriStyle.PATH, UriStyle.of("path").orElseThrow());
        assertTrue(UriStyle.of("virtual").isEmpty());
        assertTrue(UriStyle.of("PATH").isEmpty());
    }

    @Test
    void theConstructor_refusesWhatParsingWouldNot() {
        assertThrows(IllegalArgumentException.class, () -> new S3Endpoint("h/x", 443, UriStyle.PATH));
        assertThrows(IllegalArgumentException.class, () -> new S3Endpoint("", 443, UriStyle.PATH));
        assertThrows(IllegalArgumentException.class, () -> new S3Endpoint("::1", 443, UriStyle.PATH));
        assertThrows(IllegalArgumentException.class, () -> new S3Endpoint("h", 70000, UriStyle.PATH));
        assertThrows(NullPointerException.class, () -> new S3Endpoint("h", 443, null));
    }
}
