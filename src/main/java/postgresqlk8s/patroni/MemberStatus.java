package postgresqlk8s.patroni;

/**
 * This unit's Patroni member as its REST API reports it.
 *
 * @param role Patroni's word: {@code master}/{@code primary}/{@code leader} for the primary, {@code replica}, ...
 * @param state {@code running}, {@code streaming}, {@code starting}, {@code stopped}, ...
 * @param timeline the PostgreSQL timeline, 0 when unknown
 * @param noloadbalance the member's {@code noloadbalance} tag, which its configuration sets while it refuses
 *                      new connections (a replica's backup, a restore); Patroni reports what it loaded
 */
public record MemberStatus(String role, String state, long timeline, boolean noloadbalance) {

    public MemberStatus(String role, String state, long timeline) {
        this(role, state, timeline, false);
    }

    public boolean isPrimary() {
        return role.equals("master") || role.equals("primary") || role.equals("leader");
    }

    public boolean isRunning() {
        return state.equals("running") || state.equals("streaming");
    }
}
