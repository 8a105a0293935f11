package jujuops.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jujuops.hooktools.HookTools.LogLevel;

/** SLF4J calls reach the installed {@link JujuLog} sink at Juju's levels. */
class JujuLogTest {

    private final Logger log = LoggerFactory.getLogger("some.pkg.Probe");
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private LogLevel originalThreshold;

    @BeforeEach
    void captureLines() {
        originalThreshold = currentThreshold();
        originalErr = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        JujuLog.setThreshold(LogLevel.INFO);
        JujuLog.install((level, message) -> lines.add(level + " " + message));
    }

    @AfterEach
    void restore() {
        JujuLog.reset();
        JujuLog.setThreshold(originalThreshold);
        System.setErr(originalErr);
    }

    private static LogLevel currentThreshold() {
        for (LogLevel level : LogLevel.values()) {
            if (JujuLog.enabled(level)) {
                return level;
            }
        }
        return LogLevel.ERROR;
    }

    private String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void slf4j_isBoundToJujuLog() {
        assertEquals(JujuLogger.class, log.getClass());
    }

    @Test
    void infoWarnError_reachTheSinkAtJujuLevels() {
        log.info("one");
        log.warn("two");
        log.error("three");

        assertEquals(List.of("INFO Probe: one", "WARNING Probe: two", "ERROR Probe: three"), lines);
    }

    @Test
    void debugAndTrace_areDroppedAtTheInfoThreshold() {
        log.debug("hidden");
        log.trace("hidden too");

        assertEquals(List.of(), lines);
        assertFalse(log.isDebugEnabled());
        assertTrue(log.isInfoEnabled());
    }

    @Test
    void debugAndTrace_areKeptAtTheDebugThreshold() {
        JujuLog.setThreshold(LogLevel.DEBUG);

        log.debug("shown");
        log.trace("traced");

        assertEquals(List.of("DEBUG Probe: shown", "DEBUG Probe: traced"), lines);
        assertTrue(log.isDebugEnabled());
    }

    @Test
    void warningThreshold_dropsInfo() {
        JujuLog.setThreshold(LogLevel.WARNING);

        log.info("dropped");
        log.warn("kept");

        assertEquals(List.of("WARNING Probe: kept"), lines);
        assertFalse(log.isInfoEnabled());
        assertTrue(log.isWarnEnabled());
    }

    @Test
    void placeholders_areFormatted() {
        log.info("backup {} of {} done", 2, "stanza");

        assertEquals(List.of("INFO Probe: backup 2 of stanza done"), lines);
    }

    @Test
    void throwable_isAppendedAsAStackTrace() {
        log.error("restore failed for {}", "pg", new IllegalStateException("no stanza"));

        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("ERROR Probe: restore failed for pg\njava.lang.IllegalStateException: no stanza"),
                lines.get(0));
        assertTrue(lines.get(0).contains("\tat "), lines.get(0));
    }

    @Test
    void sinkThatThrows_fallsBackToStderrWithoutPropagating() {
        JujuLog.install((level, message) -> {
            throw new IllegalStateException("juju-log is gone");
        });

        log.warn("still said");

        String nl = System.lineSeparator();
        assertEquals("WARNING Probe: still said" + nl + "WARNING juju-log failed: juju-log is gone" + nl, stderr());
    }

    @Test
    void sinkThatLogs_doesNotLoop_itsOwnLinesGoToStderr() {
        JujuLog.install((level, message) -> {
            lines.add(level + " " + message);
            log.info("from inside the sink");
        });

        log.info("outer");

        assertEquals(List.of("INFO Probe: outer"), lines);
        assertEquals("INFO Probe: from inside the sink" + System.lineSeparator(), stderr());
    }

    @Test
    void reset_sendsLinesToStderrAgain() {
        JujuLog.reset();

        log.error("after reset");

        assertEquals(List.of(), lines);
        assertEquals("ERROR Probe: after reset" + System.lineSeparator(), stderr());
    }
}
