package postgresqlk8s;

import jujuops.CharmFactory;
import jujuops.Dispatcher;
import jujuops.Framework;

/** The charm's entry point: {@code dispatch} runs this for every hook and action. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // An anonymous class, not a method reference: the first lambda of a JVM sets up method-handle
        // machinery worth ~15 ms, and every hook is a new JVM.
        Dispatcher.main(new CharmFactory() {
            @Override
            public void setUp(Framework framework) {
                PostgresqlCharm.setUp(framework);
            }
        });
    }
}
