package jujuops.logging;

import jujuops.hooktools.HookTools.LogLevel;

/**
 * Where SLF4J log lines go: to `juju-log` during a dispatch, to standard error outside one.
 * {@link jujuops.Dispatcher} installs the sink; tests install their own to capture lines.
 */
public final class JujuLog {

    /** Receives each log line at its Juju level. */
    @FunctionalInterface
    public interface Sink {
        void log(LogLevel level, String message);
    }

    private static final Sink STDERR = new Sink() {
        @Override
        public void log(LogLevel level, String message) {
            System.err.println(level + " " + message);
        }
    };
    private static final ThreadLocal<Boolean> IN_SINK = new ThreadLocal<>();
    private static volatile Sink sink = STDERR;
    private static volatile LogLevel threshold = levelFromEnv();

    private JujuLog() {}

    public static void install(Sink newSink) {
        sink = newSink;
    }

    public static void reset() {
        sink = STDERR;
    }

    /** Lines below this level are dropped before any process is started for them. */
    public static void setThreshold(LogLevel level) {
        threshold = level;
    }

    public static boolean enabled(LogLevel level) {
        return level.ordinal() >= threshold.ordinal();
    }

    static void write(LogLevel level, String message) {
        if (!enabled(level)) {
            return;
        }
        if (Boolean.TRUE.equals(IN_SINK.get())) {
            STDERR.log(level, message); // a sink that logs while logging must not loop
            return;
        }
        IN_SINK.set(true);
        try {
            sink.log(level, message);
        } catch (RuntimeException e) {
            STDERR.log(level, message);
            STDERR.log(LogLevel.WARNING, "juju-log failed: " + e.getMessage());
        } finally {
            IN_SINK.set(false);
        }
    }

    /** {@code JUJU_JAVA_OPS_LOG_LEVEL} (DEBUG, INFO, WARNING, ERROR) lowers or raises the default, INFO. */
    private static LogLevel levelFromEnv() {
        String v = System.getenv("JUJU_JAVA_OPS_LOG_LEVEL");
        if (v != null) {
            for (LogLevel l : LogLevel.values()) {
                if (l.name().equalsIgnoreCase(v.trim())) {
                    return l;
                }
            }
        }
        return LogLevel.INFO;
    }
}
