package postgresqlk8s.tls;

import java.util.List;

import postgresqlk8s.workload.WorkloadLayout;

/**
 * The names a unit's certificate is for: its pod's DNS name in the application's headless service (also
 * the common name), the service's own name, and the pod's IP address.
 */
public record SubjectNames(String commonName, List<String> dnsNames, List<String> ipAddresses) {

    /** X.520's upper bound for a common name; providers refuse longer ones. */
    static final int MAX_COMMON_NAME = 64;

    public SubjectNames {
        if (commonName == null || commonName.isBlank() || commonName.length() > MAX_COMMON_NAME) {
            throw new IllegalArgumentException("a common name has 1 to 64 characters: " + commonName);
        }
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    /**
     * A unit's names.
     *
     * @param pod the unit's pod, e.g. {@code postgresql-k8s-0}
     * @param app the application, e.g. {@code postgresql-k8s}
     * @param podIp the pod's address
     */
    public static SubjectNames ofUnit(String pod, String app, String podIp) {
        String host = WorkloadLayout.podHost(pod, app);
        String commonName = host.length() <= MAX_COMMON_NAME ? host : pod;
        return new SubjectNames(commonName, List.of(host, app + "-endpoints"), List.of(podIp));
    }
}
