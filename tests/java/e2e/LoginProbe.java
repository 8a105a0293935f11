package e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real logins to one pod's PostgreSQL over TCP, as a client of the database would make them (psql from
 * outside the pod, password authentication, the pod's address): each attempt says whether the server
 * accepted it or its {@code pg_hba.conf} rejected it. {@link #start} keeps trying in the background while
 * an action runs, to see what a client met during it.
 */
final class LoginProbe implements AutoCloseable {

    /** What one login met. */
    enum Outcome { ACCEPTED, REJECTED_BY_HBA, OTHER }

    private final String host;
    private final String password;
    private final List<Outcome> seen = new ArrayList<>();
    private final List<String> others = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;

    LoginProbe(String host, String password) {
        this.host = host;
        this.password = password;
    }

    /** One login as postgres with its password; the server's answer. */
    Outcome login() {
        Processes.Result r = Processes.run(15, Map.of("PGPASSWORD", password, "PGCONNECT_TIMEOUT", "3"),
                "psql", "-X", "-w", "-h", host, "-p", "5432", "-U", "postgres", "-d", "postgres", "-Atc", "select 1");
        if (r.exitCode() == 0 && r.output().strip().equals("1")) {
            return Outcome.ACCEPTED;
        }
        if (r.output().contains("pg_hba.conf rejects connection") || r.output().contains("no pg_hba.conf entry")) {
            return Outcome.REJECTED_BY_HBA;
        }
        synchronized (this) {
            others.add(r.output().strip());
        }
        return Outcome.OTHER;
    }

    /** Logs in again and again, in the background, until closed. */
    LoginProbe start() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                Outcome o = login();
                synchronized (this) {
                    seen.add(o);
                }
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "login-probe-" + host);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    synchronized List<Outcome> seen() {
        return List.copyOf(seen);
    }

    /** What the background logins met, in order, runs of the same outcome counted: "ACCEPTED x2, REJECTED_BY_HBA x9, ...". */
    synchronized String summary() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < seen.size(); ) {
            int j = i;
            while (j < seen.size() && seen.get(j) == seen.get(i)) {
                j++;
            }
            out.append(out.length() == 0 ? "" : ", ").append(seen.get(i)).append(" x").append(j - i);
            i = j;
        }
        return out.toString();
    }

    synchronized List<String> others() {
        return List.copyOf(others);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
