package postgresqlk8s.patroni;

/** This unit's Patroni, through its REST API. */
public interface Patroni {

    /**
     * @throws PatroniUnavailableException when Patroni does not answer (the database is likely down)
     */
    MemberStatus member() throws PatroniUnavailableException;

    /** The host of the cluster's primary member, from Patroni's view of the cluster; empty when it has none. */
    java.util.Optional<String> primaryHost() throws PatroniUnavailableException;

    /** The name of the cluster's primary member (its pod), from Patroni's view of the cluster; empty when it has none. */
    java.util.Optional<String> primaryName() throws PatroniUnavailableException;

    /** Asks Patroni to re-read its configuration file. */
    void reload() throws PatroniUnavailableException;

    final class PatroniUnavailableException extends Exception {
        public PatroniUnavailableException(String message) {
            super(message);
        }

        public PatroniUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
