package postgresqlk8s.patroni;

/**
 * This unit's Patroni member as its REST API reports it.
 *
 * @param role Patroni's word: {@code master}/{@code primary}/{@code leader} for the primary, {@code replica}, ...
 * @param state {@code running}, {@code streaming}, {@code starting}, {@code stopped}, ...
 * @param timeline the PostgreSQL timeline, 0 when unknown
 */
public record MemberStatus(String role, String state, long timeline) {

    public boolean isPrimary() {
        return role.equals("master") || role.equals("primary") || role.equals("leader");
    }

    public boolean isRunning() {
        return state.equals("running") || state.equals("streaming");
    }
}
