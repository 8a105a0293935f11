package postgresqlk8s.kubernetes;

import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import io.kubernetes.client.util.WebSockets;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadExec;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * Runs commands in the workload container through the pod exec API, on client-java's low-level
 * {@link WebSockets#stream} with a listener of our own ({@link ExecSession}); its {@code Exec.exec} is
 * not used, because its exit code can be overwritten when the socket closes and its 1 KiB pipes hang
 * on larger outputs.
 *
 * <p>Each command runs inside the container as
 * {@code timeout --kill-after=5 <seconds> [runuser -u <user> --] <argv...>}, argv as separate
 * {@code command=} parameters, never a shell string; the exec API has no user field, and closing the
 * socket would not stop the process. The client gives up {@code clientGrace} after the deadline.
 *
 * <p>Outcomes: the channel-3 status gives the exit code (see {@link ExecStatus}: a process the runtime
 * could not start is exit code 127 with the runtime's message in stderr). A refused upgrade (401, 403,
 * 404, ...), a socket that ends without a status, or no status in time is a
 * {@link WorkloadUnreachableException}, never an exit code.
 *
 * <p>Standard input is sent, then closed with {@code [255, 0]} on {@code v5.channel.k8s.io}. A server
 * that only speaks {@code v4.channel.k8s.io} cannot be told that input ended, so commands fed on stdin
 * must stop after a known length (for example {@code dd bs=<n> count=1 iflag=fullblock}).
 */
public final class KubernetesWorkloadExec implements WorkloadExec {

    public static final String CONTAINER = "postgresql";
    /** Past the in-container deadline: its 5 s kill-after plus the network. */
    public static final Duration CLIENT_GRACE = Duration.ofSeconds(10);

    private static final Pattern UPGRADE_REFUSED = Pattern.compile("Expected HTTP 101 response but was '(\\d{3})");

    private final ApiClientSource clients;
    private final String namespace;
    private final String pod;
    private final String container;
    private final Duration clientGrace;

    public KubernetesWorkloadExec(ApiClientSource clients, String namespace, String pod, String container) {
        this(clients, namespace, pod, container, CLIENT_GRACE);
    }

    /** As the main constructor, with a shorter client-side grace for tests. */
    public KubernetesWorkloadExec(
            ApiClientSource clients, String namespace, String pod, String container, Duration clientGrace) {
        this.clients = clients;
        this.namespace = namespace;
        this.pod = pod;
        this.container = container;
        this.clientGrace = clientGrace;
    }

    @Override
    public void prepare() {
        try {
            clients.apiClient();
        } catch (Exception e) {
            // run() reports it, with the command it concerns
        }
    }

    @Override
    public ExecResult run(Command command) throws WorkloadUnreachableException {
        ApiClient client = client();
        long until = System.nanoTime() + command.deadline().plus(clientGrace).toNanos();
        ExecSession session = new ExecSession(command.captureLimit());
        try {
            WebSockets.stream(path(), "GET", query(command), client, session);
            if (command.stdin() != null) {
                session.sendStdin(command.stdin(), until);
            }
            return result(session.awaitStatus(until), session);
        } catch (ApiException | IOException e) {
            throw unreachable("cannot start exec: " + e.getMessage(), e);
        } catch (ExecSession.Lost e) {
            throw unreachable(lost(e), e);
        } catch (TimeoutException e) {
            throw unreachable("no answer within " + command.deadline().plus(clientGrace).toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted while waiting", e);
        } finally {
            session.finish();
        }
    }

    /** argv as the container runs it: bounded by its deadline, as the command's user. */
    static List<String> containerArgv(Command command) {
        long seconds = Math.max(1, (command.deadline().toMillis() + 999) / 1000);
        List<String> argv = new ArrayList<>(List.of("timeout", "--kill-after=5", Long.toString(seconds)));
        if (!command.user().equals(Command.ROOT)) {
            argv.addAll(List.of("runuser", "-u", command.user(), "--"));
        }
        argv.addAll(command.argv());
        return argv;
    }

    private ApiClient client() throws WorkloadUnreachableException {
        try {
            return clients.apiClient();
        } catch (KubernetesUnavailableException e) {
            throw new WorkloadUnreachableException(e.getMessage(), e);
        }
    }

    private String path() {
        return "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/exec";
    }

    private List<Pair> query(Command command) {
        List<Pair> query = new ArrayList<>(List.of(
                new Pair("container", container),
                new Pair("stdin", Boolean.toString(command.stdin() != null)),
                new Pair("stdout", "true"),
                new Pair("stderr", "true"),
                new Pair("tty", "false")));
        containerArgv(command).forEach(arg -> query.add(new Pair("command", arg)));
        return query;
    }

    private ExecResult result(byte[] status, ExecSession session) throws WorkloadUnreachableException {
        ExecStatus ended;
        try {
            ended = ExecStatus.parse(status);
        } catch (ExecStatus.UnreadableStatus e) {
            throw unreachable(e.getMessage(), e);
        }
        String stderr = session.stderr.text();
        if (ended.message() != null) {
            stderr += (stderr.isEmpty() || stderr.endsWith("\n") ? "" : "\n") + ended.message();
        }
        boolean truncated = session.stdout.truncated() || session.stderr.truncated();
        return new ExecResult(ended.exitCode(), session.stdout.text(), stderr, truncated);
    }

    private String lost(ExecSession.Lost e) {
        Throwable cause = e.getCause();
        Matcher refused = cause instanceof ProtocolException && cause.getMessage() != null
                ? UPGRADE_REFUSED.matcher(cause.getMessage()) : null;
        if (refused == null || !refused.find()) {
            return cause == null ? e.getMessage() : e.getMessage() + ": " + cause;
        }
        switch (refused.group(1)) {
            case "401":
                return "the Kubernetes API rejected the charm's credentials (HTTP 401)";
            case "403":
                return "the charm may not exec into pods in namespace " + namespace
                        + " (HTTP 403); deploy it with --trust";
            case "404":
                return "pod " + pod + " or its namespace was not found (HTTP 404)";
            default:
                return "the Kubernetes API refused the exec (" + cause.getMessage() + ")";
        }
    }

    private WorkloadUnreachableException unreachable(String why, Throwable cause) {
        return new WorkloadUnreachableException(
                "container " + container + " of pod " + namespace + "/" + pod + ": " + why, cause);
    }
}
