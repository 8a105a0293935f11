package postgresqlk8s.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test fixture: what s3-integrator (v0) writes after `juju config s3-integrator ...` and sync-s3-credentials. */
public final class IntegratorData {

    public static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    public static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private IntegratorData() {}

    /** A fresh, mutable copy of the provider's application databag, every field set as the charm sends it. */
    public static Map<String, String> typical() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("access-key", ACCESS_KEY);
        d.put("secret-key", SECRET_KEY);
        d.put("bucket", "pg-backups");
        d.put("endpoint", "https://s3.eu-west-1.amazonaws.com/");
        d.put("region", "eu-west-1");
        d.put("path", "/postgresql/");
        d.put("s3-uri-style", "path");
        d.put("storage-class", "");
        d.put("s3-api-version", "");
        d.put("delete-older-than-days", "");
        d.put("attributes", "[]");
        d.put("tls-ca-chain", "");
        d.put("data", "{\"bucket\": \"pg-backups\", \"path\": \"/postgresql/\"}");
        return d;
    }
}
