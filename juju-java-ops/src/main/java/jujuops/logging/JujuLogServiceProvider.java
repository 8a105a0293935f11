package jujuops.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/** Routes SLF4J to `juju-log`. Registered in META-INF/services; SLF4J finds it with one service lookup. */
public final class JujuLogServiceProvider implements SLF4JServiceProvider {

    private final Map<String, JujuLogger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = new ILoggerFactory() {
        @Override
        public org.slf4j.Logger getLogger(String name) {
            JujuLogger logger = loggers.get(name);
            if (logger == null) {
                logger = new JujuLogger(name);
                JujuLogger raced = loggers.putIfAbsent(name, logger);
                logger = raced == null ? logger : raced;
            }
            return logger;
        }
    };
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override public ILoggerFactory getLoggerFactory() { return factory; }
    @Override public IMarkerFactory getMarkerFactory() { return markers; }
    @Override public MDCAdapter getMDCAdapter() { return mdc; }
    @Override public String getRequestedApiVersion() { return "2.0.99"; }
    @Override public void initialize() { }
}
