package postgresqlk8s.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client against a scripted Patroni on 127.0.0.1, answering as Patroni 3 does. */
class PatroniRestClientTest {

    private static final String RUNNING_PRIMARY = "{\"state\": \"running\", \"postmaster_start_time\": \"2024-05-01 10:12:31+00:00\","
            + " \"role\": \"master\", \"server_version\": 140011, \"timeline\": 3,"
            + " \"patroni\": {\"version\": \"3.0.2\", \"scope\": \"patroni-postgresql-k8s\"}}";
    private static final String STOPPED = "{\"state\": \"stopped\", \"role\": \"replica\","
            + " \"patroni\": {\"version\": \"3.0.2\", \"scope\": \"patroni-postgresql-k8s\"}}";
    private static final String CLUSTER = "{\"members\": ["
            + "{\"name\": \"postgresql-k8s-0\", \"role\": \"replica\", \"state\": \"streaming\","
            + " \"host\": \"postgresql-k8s-0.postgresql-k8s-endpoints\", \"port\": 5432, \"timeline\": 3, \"lag\": 0},"
            + "{\"name\": \"postgresql-k8s-1\", \"role\": \"leader\", \"state\": \"running\","
            + " \"host\": \"postgresql-k8s-1.postgresql-k8s-endpoints\", \"port\": 5432, \"timeline\": 3}],"
            + " \"scope\": \"patroni-postgresql-k8s\"}";
    private static final String NO_LEADER = "{\"members\": [{\"name\": \"postgresql-k8s-0\", \"role\": \"replica\","
            + " \"state\": \"stopped\", \"host\": \"postgresql-k8s-0.postgresql-k8s-endpoints\"}]}";

    private final ScriptedPatroniApi api;
    private final PatroniRestClient client;

    PatroniRestClientTest() throws Exception {
        api = new ScriptedPatroniApi();
        client = new PatroniRestClient(api.url());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void member_readsRoleStateAndTimeline_fromGetPatroni() throws Exception {
        api.enqueue(200, RUNNING_PRIMARY);

        assertEquals(new MemberStatus("master", "running", 3), client.member());
        assertEquals("GET /patroni", api.take());
    }

    @Test
    void member_taggedNoloadbalance_saysItRefusesNewConnections() throws Exception {
        // Patroni 3.0.2 lists only the tags that are set: noloadbalance while the configuration says true.
        api.enqueue(200, "{\"state\": \"running\", \"role\": \"replica\", \"timeline\": 1,"
                + " \"tags\": {\"noloadbalance\": true, \"nosync\": true}}");

        assertEquals(new MemberStatus("replica", "running", 1, true), client.member());
    }

    @Test
    void member_503WithAJsonBody_isStillTheMembersState() throws Exception {
        api.enqueue(503, STOPPED);

        assertEquals(new MemberStatus("replica", "stopped", 0), client.member());
    }

    @Test
    void member_withoutRoleOrState_isUnknown() throws Exception {
        api.enqueue(200, "{\"timeline\": \"three\"}");

        assertEquals(new MemberStatus("unknown", "unknown", 0), client.member());
    }

    @Test
    void baseUrl_withATrailingSlash_requestsThePathOnce() throws Exception {
        api.enqueue(200, RUNNING_PRIMARY);

        new PatroniRestClient(api.url() + "/").member();

        assertEquals("GET /patroni", api.take());
    }

    @Test
    void member_notJson_isUnavailable_sayingWhoAnsweredWhat() {
        api.enqueue(200, "<html><body>It works!</body></html>");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::member);

        assertEquals("Patroni answered " + api.url() + "/patroni with something that is not JSON", e.getMessage());
    }

    @Test
    void member_serverErrorWithoutABody_isUnavailable_withTheStatus() {
        api.enqueue(503, "");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::member);

        assertEquals("GET /patroni answered HTTP 503", e.getMessage());
    }

    @Test
    void primaryHostAndName_areTheLeaderMembers_fromGetCluster() throws Exception {
        api.enqueue(200, CLUSTER).enqueue(200, CLUSTER);

        assertEquals(Optional.of("postgresql-k8s-1.postgresql-k8s-endpoints"), client.primaryHost());
        assertEquals(Optional.of("postgresql-k8s-1"), client.primaryName());
        assertEquals("GET /cluster", api.take());
        assertEquals("GET /cluster", api.take());
    }

    @Test
    void primaryHostAndName_noLeader_areEmpty() throws Exception {
        api.enqueue(200, NO_LEADER).enqueue(200, "{}");

        assertEquals(Optional.empty(), client.primaryHost());
        assertEquals(Optional.empty(), client.primaryName());
    }

    @Test
    void cluster_notFound_isUnavailable() {
        api.enqueue(404, "{\"error\": \"not found\"}");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::primaryHost);

        assertEquals("GET /cluster answered HTTP 404", e.getMessage());
    }

    @Test
    void cluster_notJson_isUnavailable_sayingWhoAnsweredWhat() {
        api.enqueue(200, "members: []");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::primaryName);

        assertEquals("Patroni answered " + api.url() + "/cluster with something that is not JSON", e.getMessage());
    }

    @Test
    void reload_postsReload_andTakesPatronisPlainTextAnswer() throws Exception {
        api.enqueue(202, "reload scheduled");

        client.reload();

        assertEquals("POST /reload", api.take());
    }

    @Test
    void connectionRefused_isUnavailable_namingTheAddress() throws Exception {
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }
        PatroniRestClient down = new PatroniRestClient(closed);

        Patroni.PatroniUnavailableException member = assertThrows(Patroni.PatroniUnavailableException.class, down::member);
        Patroni.PatroniUnavailableException reload = assertThrows(Patroni.PatroniUnavailableException.class, down::reload);

        assertEquals("Patroni at " + closed + " does not answer: Connection refused", member.getMessage());
        assertEquals("Patroni at " + closed + " does not answer: Connection refused", reload.getMessage());
    }

    @Test
    void member_serverErrorWithAJsonBody_isUnavailable_notAMemberOfUnknownRole() {
        api.enqueue(500, "{\"error\": \"internal\"}");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::member);

        assertEquals("GET /patroni answered HTTP 500", e.getMessage());
    }

    @Test
    void cluster_badGatewayWithAPage_isUnavailable() {
        api.enqueue(502, "<html><body>502 Bad Gateway</body></html>");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::primaryName);

        assertEquals("GET /cluster answered HTTP 502", e.getMessage());
    }

    @Test
    void reload_answered500WithABody_isUnavailable_notAReloadPatroniTook() {
        api.enqueue(500, "<html><body>Error response, code 500</body></html>");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::reload);

        assertEquals("POST /reload answered HTTP 500", e.getMessage());
    }

    @Test
    void reload_refused401_isUnavailable() {
        api.enqueue(401, "no auth header received");

        Patroni.PatroniUnavailableException e = assertThrows(Patroni.PatroniUnavailableException.class, client::reload);

        assertEquals("POST /reload answered HTTP 401", e.getMessage());
    }
}
