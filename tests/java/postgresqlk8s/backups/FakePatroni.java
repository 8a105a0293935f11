package postgresqlk8s.backups;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.Patroni;

/** Patroni answering from fields the test sets; null member means it does not answer. */
final class FakePatroni implements Patroni {

    MemberStatus member = new MemberStatus("master", "running", 1);
    String primaryHost = "postgresql-k8s-0.postgresql-k8s-endpoints";
    String primaryName = "postgresql-k8s-0";
    final List<String> requests = new ArrayList<>();

    static MemberStatus primary(long timeline) {
        return new MemberStatus("master", "running", timeline);
    }

    static MemberStatus replica() {
        return new MemberStatus("replica", "streaming", 1);
    }

    @Override
    public MemberStatus member() throws PatroniUnavailableException {
        requests.add("member");
        if (member == null) {
            throw new PatroniUnavailableException("connection refused");
        }
        return member;
    }

    @Override
    public Optional<String> primaryHost() throws PatroniUnavailableException {
        requests.add("primaryHost");
        if (member == null) {
            throw new PatroniUnavailableException("connection refused");
        }
        return Optional.ofNullable(primaryHost);
    }

    @Override
    public Optional<String> primaryName() throws PatroniUnavailableException {
        requests.add("primaryName");
        if (member == null) {
            throw new PatroniUnavailableException("connection refused");
        }
        return Optional.ofNullable(primaryName);
    }

    @Override
    public void reload() throws PatroniUnavailableException {
        requests.add("reload");
    }
}
