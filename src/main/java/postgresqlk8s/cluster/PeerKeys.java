package postgresqlk8s.cluster;

/** Every key this charm keeps in its peer relation, named once. */
public final class PeerKeys {

    private PeerKeys() {}

    /** Peer relation endpoint (metadata.yaml). */
    public static final String ENDPOINT = "database-peers";

    // Application databag (written by the leader).
    /** Set to "True" once Patroni has reported a primary for the first time. */
    public static final String CLUSTER_INITIALISED = "cluster_initialised";
    /** The pgBackRest stanza once it was created and checked. */
    public static final String STANZA = "stanza";
    /** The backup label being restored, while a restore is in progress. */
    public static final String RESTORING_BACKUP = "restoring-backup";
    /**
     * The stanza this cluster continues after restoring another cluster's backup: the one the backup was in,
     * whose system identifier the database now has. Absent: the cluster's own, {@code <model>.patroni-<app>}.
     */
    public static final String ADOPTED_STANZA = "adopted-stanza";
    /**
     * Why the leader found the S3 repository unusable for the whole application (another cluster's), for
     * every unit to show whoever leads; absent when nothing stands against it. The reference's key.
     */
    public static final String S3_BLOCK_MESSAGE = "s3-initialization-block-message";
    /** The stanza the restore reads from. */
    public static final String RESTORE_STANZA = "restore-stanza";
    /** The point-in-time target of a restore in progress, if any. */
    public static final String RESTORE_TO_TIME = "restore-to-time";
    /** The timeline a point-in-time restore in progress follows (hexadecimal), as the reference records it. */
    public static final String RESTORE_TIMELINE = "restore-timeline";
    /**
     * The pgBackRest command of the restore in progress, as Patroni's bootstrap runs it (no secret in it),
     * so that a workload container started again mid-restore can start the same restore again.
     */
    public static final String RESTORE_COMMAND = "restore-command";
    /** The timeline Patroni reported before the restore; success means a newer one. */
    public static final String RESTORE_FROM_TIMELINE = "restore-from-timeline";

    /** Database passwords, generated once by the leader. */
    public static final String SUPERUSER_PASSWORD = "superuser-password";
    public static final String REPLICATION_PASSWORD = "replication-password";
    public static final String REWIND_PASSWORD = "rewind-password";

    // Unit databag.
    /** "enabled" when this unit serves TLS (certificates received and applied). */
    public static final String TLS = "tls";
}
