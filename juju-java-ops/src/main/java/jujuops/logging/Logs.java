package jujuops.logging;

import org.slf4j.Logger;

/**
 * SLF4J loggers for charm code, without SLF4J's provider discovery: the logger writes to juju-log
 * directly. {@code LoggerFactory.getLogger} works too (the provider is registered for libraries), but
 * its first call costs a hook ~6 ms of start-up, which a hook that logs nothing should not pay.
 */
public final class Logs {

    private Logs() {}

    public static Logger get(Class<?> owner) {
        return new JujuLogger(owner.getName());
    }
}
