package postgresqlk8s.patroni;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadFiles;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * Writes Patroni's configuration into the workload (0600, owner postgres: it holds the database
 * passwords) and asks a running Patroni to reload it.
 */
public final class WorkloadPatroniConfig implements PatroniConfig {

    private static final Logger LOG = Logs.get(WorkloadPatroniConfig.class);

    private final WorkloadFiles files;
    private final WorkloadLayout layout;
    private final ClusterSource cluster;
    private final Patroni patroni;

    /** The cluster as the configuration names it, gathered when the configuration is rendered. */
    @FunctionalInterface
    public interface ClusterSource {
        PatroniYaml.Cluster get() throws ConfigException;
    }

    public WorkloadPatroniConfig(WorkloadFiles files, WorkloadLayout layout, ClusterSource cluster, Patroni patroni) {
        this.files = files;
        this.layout = layout;
        this.cluster = cluster;
        this.patroni = patroni;
    }

    @Override
    public void apply(Settings settings) throws ConfigException {
        String yaml = PatroniYaml.render(cluster.get(), layout, settings);
        try {
            files.write(layout.patroniConf(), yaml, layout.pgUser(), "0600");
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            throw new ConfigException("could not write " + layout.patroniConf() + ": " + e.getMessage(), e);
        }
        try {
            patroni.reload();
        } catch (Patroni.PatroniUnavailableException e) {
            // not running: it reads the new file when it starts; running but refusing the reload: the log says why
            LOG.info("Patroni did not take the reload ({}); it reads the new configuration when it starts", e.getMessage());
        }
    }
}
