package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peers' hosts whose pgBackRest lock a backup could not take, from its output. pgBackRest 2.45 takes
 * a backup's lock (lock-path/STANZA-backup.lock) in its own pod, and, through each peer's TLS server,
 * the same lock on every pg host it checks, the primary's among them: so a second backup of the stanza
 * started on another unit while one runs finds those locks held, warns {@code unable to check pgN:
 * [LockAcquireError] raised from remote-0 tls protocol on 'HOST': unable to acquire lock ...} for each,
 * and, without the primary, fails with {@code [056] unable to find primary cluster}. Measured on the
 * local stack with two replicas starting create-backup at once: one ran, the other failed so.
 */
public final class LockHolders {

    private static final Pattern REMOTE_LOCK = Pattern.compile(
            "unable to check pg\\d+: \\[LockAcquireError\\] raised from remote-\\d+ \\w+ protocol on '([^'\\s]+)'");

    private LockHolders() {}

    /** The hosts, as pgBackRest names them (a pod's FQDN), first seen first, each once; none when no peer's lock was held. */
    public static List<String> remote(String output) {
        List<String> hosts = new ArrayList<>();
        Matcher m = REMOTE_LOCK.matcher(output);
        while (m.find()) {
            if (!hosts.contains(m.group(1))) {
                hosts.add(m.group(1));
            }
        }
        return hosts;
    }

    /** A host as users know it: a pod's name, the first label of its FQDN; an address as it is. */
    public static String shortName(String host) {
        int dot = host.indexOf('.');
        return dot > 0 && !host.matches("[0-9.]+|.*:.*") ? host.substring(0, dot) : host;
    }
}
