package greeter;

import java.util.Map;
import java.util.Optional;

import jujuops.ActionEvent;
import jujuops.ActionOutcome;
import jujuops.Dispatcher;
import jujuops.Event;
import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookOutcome;
import jujuops.model.Relation;
import jujuops.model.Status;

/**
 * A sample charm on juju-java-ops, to copy from: it shares its configured greeting with every
 * application related on "greeting" and greets by name in the "greet" action.
 */
public final class GreeterCharm {

    static final String GREETING = "greeting";

    private final Framework framework;

    private GreeterCharm(Framework framework) {
        this.framework = framework;
    }

    /** Juju runs {@code dispatch} for every event; it starts this, which handles that one event and exits. */
    public static void main(String[] args) {
        Dispatcher.main(framework -> {
            GreeterCharm charm = new GreeterCharm(framework);
            // The keys name the observers across charm versions: a deferred event is stored with them.
            framework.observe(HookEvent.CONFIG_CHANGED, "Greeter.share", charm::share);
            framework.observe(HookEvent.relationJoined(GREETING), "Greeter.shareOnJoin", charm::share);
            framework.observe(ActionEvent.named("greet"), "Greeter.greet", charm::greet);
            framework.observeCollectUnitStatus("Greeter.status", statuses -> statuses.add(
                    charm.greeting().isPresent() ? Status.active() : Status.blocked("set a non-empty greeting")));
        });
    }

    private Optional<String> greeting() {
        return framework.model().config().getString("greeting").filter(g -> !g.isBlank());
    }

    /** The leader writes the greeting into the application data of every "greeting" relation. */
    HookOutcome share(Event event) {
        if (!framework.model().isLeader() || greeting().isEmpty()) {
            return HookOutcome.done();
        }
        for (Relation relation : framework.model().relations(GREETING)) {
            relation.localAppData().put(GREETING, greeting().get());
        }
        return HookOutcome.done();
    }

    ActionOutcome greet(Event event) {
        Object name = framework.action().orElseThrow().params().get("name");
        if (name == null || name.toString().isBlank()) {
            return ActionOutcome.fail("name must not be blank");
        }
        return ActionOutcome.results(Map.of("message", greeting().orElse("Hello") + ", " + name + "!"));
    }
}
