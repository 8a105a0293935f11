package postgresqlk8s.backups;

import java.util.ArrayList;
import java.util.List;

import postgresqlk8s.patroni.PatroniConfig;

/** Records each configuration applied; set {@code failure} to make applying fail. */
final class FakePatroniConfig implements PatroniConfig {

    final List<Settings> applied = new ArrayList<>();
    String failure;
    /** Runs at each successful apply, e.g. to note what the workload had been asked by then. */
    Runnable onApply = () -> {};
    /** Patroni loading what was applied (its next cycle); the world wires its fake Patroni here. */
    java.util.function.Consumer<Settings> patroniLoads = s -> {};

    @Override
    public void apply(Settings settings) throws ConfigException {
        if (failure != null) {
            throw new ConfigException(failure);
        }
        applied.add(settings);
        patroniLoads.accept(settings);
        onApply.run();
    }

    Settings last() {
        return applied.get(applied.size() - 1);
    }
}
