package postgresqlk8s.kubernetes;

import io.kubernetes.client.openapi.ApiClient;

/** Hands out the one API client of this process, building it on first use. */
@FunctionalInterface
interface ApiClientSource {

    ApiClient apiClient() throws KubernetesUnavailableException;
}
