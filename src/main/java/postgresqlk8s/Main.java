package postgresqlk8s;

import jujuops.Dispatcher;

/** The charm's entry point: {@code dispatch} runs this for every hook and action. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        Dispatcher.main(PostgresqlCharm::setUp);
    }
}
