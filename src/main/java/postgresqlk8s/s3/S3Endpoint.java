package postgresqlk8s.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where S3 is, as pgBackRest and the SDK client both use it: an https host and port, and whether a bucket
 * is addressed by host name ({@code bucket.host}, virtual-hosted) or by path ({@code host/bucket}). Made
 * once, where the settings enter ({@link S3Settings}); pgBackRest speaks S3 over TLS only, so there is no
 * http endpoint, and it takes a host and a port only, so there is no path.
 *
 * @param host as {@link URI#getHost()} gives it, e.g. {@code s3.amazonaws.com}, {@code 10.0.0.5}, {@code [::1]}
 */
public record S3Endpoint(String host, int port, UriStyle uriStyle) {

    /** The s3-integrator's endpoint when it gives none. */
    public static final String DEFAULT = "https://s3.amazonaws.com";
    public static final String SCHEME = "https";
    public static final int DEFAULT_PORT = 443;

    /** How a bucket is addressed; {@link #value()} is the word the s3-integrator and pgBackRest use. */
    public enum UriStyle {
        HOST, PATH;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The style named {@code host} or {@code path}; empty for anything else. */
        static Optional<UriStyle> of(String value) {
            for (UriStyle s : values()) {
                if (s.value().equals(value)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /** @throws IllegalArgumentException when the host and port make no https URL */
    public S3Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(uriStyle, "uriStyle");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be from 1 to 65535");
        }
        URI uri = toUri(host, port);
        if (!host.equals(uri.getHost())) {
            throw new IllegalArgumentException("endpoint host is not a host name or IP address");
        }
    }

    /**
     * The endpoint the s3-integrator gives: an https URL, or a bare {@code host} or {@code host:port} taken
     * as https. Trailing slashes and user-info are dropped.
     *
     * @throws IllegalArgumentException saying why it is unusable; the message names the setting and never
     *         echoes its value
     */
    public static S3Endpoint parse(String text, UriStyle uriStyle) {
        String s = text.strip();
        while (s.endsWith("/") && !s.endsWith("://")) {
            s = s.substring(0, s.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(s.contains("://") ? s : SCHEME + "://" + s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint is not a URL (" + e.getReason() + ")");
        }
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("endpoint must be an https URL: pgBackRest speaks S3 over TLS only");
        }
        try {
            uri = uri.parseServerAuthority();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint names no host and port (" + e.getReason() + ")");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint names no host");
        }
        if (!uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint must be a host and port only: pgBackRest takes no path");
        }
        return new S3Endpoint(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), uriStyle);
    }

    public String scheme() {
        return SCHEME;
    }

    public boolean pathStyle() {
        return uriStyle == UriStyle.PATH;
    }

    /** The endpoint override the SDK client takes. */
    public URI uri() {
        return toUri(host, port);
    }

    /** E.g. {@code https://minio.example:9000}; the port left out when it is 443. */
    public String url() {
        return uri().toString();
    }

    @Override
    public String toString() {
        return url() + " (" + uriStyle.value() + "-style)";
    }

    private static URI toUri(String host, int port) {
        try {
            return new URI(SCHEME, null, host, port == DEFAULT_PORT ? -1 : port, "", null, null).parseServerAuthority();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint host is not a host name or IP address (" + e.getReason() + ")");
        }
    }
}
