package postgresqlk8s.backups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import postgresqlk8s.kubernetes.UnitPod;

/** The unit's pod: answers its address, records label patches; {@code refusal} makes every call fail with it. */
final class FakeUnitPod implements UnitPod {

    String address = "10.1.0.11";
    String refusal;
    final List<Map<String, String>> labelled = new ArrayList<>();

    @Override
    public String address() throws PodException {
        refuse();
        return address;
    }

    @Override
    public void label(Map<String, String> labels) throws PodException {
        refuse();
        labelled.add(Map.copyOf(labels));
    }

    private void refuse() throws PodException {
        if (refusal != null) {
            throw new PodException(refusal);
        }
    }
}
