package postgresqlk8s.patroni;

import java.util.Optional;

import postgresqlk8s.pgbackrest.StanzaName;

/**
 * The parts of Patroni's configuration the backup flows change: where WAL is archived, the bootstrap
 * method of a restore, and whether this member accepts new connections (a replica refuses them while it
 * takes a backup). Applying re-renders the configuration in the workload and reloads Patroni if it runs.
 */
public interface PatroniConfig {

    /**
     * @param archiveStanza archive WAL with pgBackRest into this stanza; empty archives nowhere
     * @param restoreCommand bootstrap a new cluster by running this pgBackRest restore command
     * @param acceptConnections false to take this member out of load balancing and refuse new clients
     */
    record Settings(Optional<StanzaName> archiveStanza, Optional<String> restoreCommand, boolean acceptConnections) {
        public static Settings normal(Optional<StanzaName> stanza) {
            return new Settings(stanza, Optional.empty(), true);
        }
    }

    void apply(Settings settings) throws ConfigException;

    final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }

        public ConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
