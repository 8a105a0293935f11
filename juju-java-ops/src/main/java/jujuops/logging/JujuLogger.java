package jujuops.logging;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import jujuops.hooktools.HookTools.LogLevel;

/** An SLF4J logger that writes through {@link JujuLog} at the matching Juju level. */
final class JujuLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    JujuLogger(String name) {
        this.name = name;
    }

    static LogLevel jujuLevel(Level level) {
        switch (level) {
            case ERROR: return LogLevel.ERROR;
            case WARN: return LogLevel.WARNING;
            case INFO: return LogLevel.INFO;
            default: return LogLevel.DEBUG;
        }
    }

    @Override public boolean isTraceEnabled() { return JujuLog.enabled(LogLevel.DEBUG); }
    @Override public boolean isDebugEnabled() { return JujuLog.enabled(LogLevel.DEBUG); }
    @Override public boolean isInfoEnabled() { return JujuLog.enabled(LogLevel.INFO); }
    @Override public boolean isWarnEnabled() { return JujuLog.enabled(LogLevel.WARNING); }
    @Override public boolean isErrorEnabled() { return JujuLog.enabled(LogLevel.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        String message = MessageFormatter.basicArrayFormat(pattern, args);
        if (t != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            message = message + "\n" + trace;
        }
        JujuLog.write(jujuLevel(level), shortName() + ": " + message);
    }

    private String shortName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
