package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Context;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;

/** The collect-status phase: collectors at the end of every successful dispatch, Juju's priority merge. */
class CollectStatusTest {

    private static final String UNIT = "app/0";

    private static Result run(CharmFactory charm, State in) {
        return new Context(charm, TestCharm.DIR, UNIT, "dev").run(TestEvent.hook("update-status"), in);
    }

    @Test
    void theMostUrgentProposalWins_inJujusOrder() {
        List<Status> ascending = List.of(Status.active("a"), Status.waiting("w"), Status.maintenance("m"), Status.blocked("b"));
        for (int i = 0; i < ascending.size(); i++) {
            List<Status> proposals = new java.util.ArrayList<>(ascending.subList(0, i + 1));
            java.util.Collections.reverse(proposals); // the most urgent first, so order alone cannot pick it
            Result result = run(fw -> {
                for (Status s : proposals) {
                    fw.observeCollectUnitStatus("Charm." + s.kind(), statuses -> statuses.add(s));
                }
            }, State.empty());
            assertEquals(ascending.get(i), result.unitStatus(), () -> "proposals " + proposals);
        }
    }

    @Test
    void amongEquals_theFirstAddedWins() {
        Result result = run(fw -> {
            fw.observeCollectUnitStatus("Charm.s3", statuses -> statuses.add(Status.blocked("no s3")));
            fw.observeCollectUnitStatus("Charm.db", statuses -> statuses.add(Status.blocked("no db")));
        }, State.empty());

        assertEquals(Status.blocked("no s3"), result.unitStatus());
    }

    @Test
    void collectorsRunAfterTheHandlers_andOverrideTheirStatus() {
        Result result = run(fw -> {
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> HookOutcome.status(Status.maintenance("checking")));
            fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.active("ready")));
        }, State.empty());

        assertEquals(List.of(Status.maintenance("checking"), Status.active("ready")), result.statusHistory());
    }

    @Test
    void noProposal_leavesTheHandlersStatus() {
        Result result = run(fw -> {
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> HookOutcome.status(Status.waiting("starting")));
            fw.observeCollectUnitStatus("Charm.status", statuses -> { });
        }, State.empty().withUnitStatus(Status.active()));

        assertEquals(List.of(Status.waiting("starting")), result.statusHistory());
    }

    @Test
    void collectorsRun_evenWhenNoObserverHandledTheEvent() {
        Result result = run(fw -> fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.blocked("no s3"))),
                State.empty());

        assertEquals(List.of(Status.blocked("no s3")), result.statusHistory());
    }

    @Test
    void collectorsDoNotRun_whenAHandlerThrew() {
        Result result = run(fw -> {
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> {
                throw new IllegalStateException("boom");
            });
            fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.active()));
        }, State.empty());

        assertEquals(1, result.exitCode());
        assertEquals(List.of(), result.statusHistory());
    }

    @Test
    void appCollectors_runOnTheLeaderOnly() {
        CharmFactory charm = fw -> {
            fw.observeCollectAppStatus("Charm.app", statuses -> statuses.add(Status.blocked("app needs s3")));
            fw.observeCollectUnitStatus("Charm.unit", statuses -> statuses.add(Status.active()));
        };

        Result leader = run(charm, State.empty().withLeader(true));
        Result follower = run(charm, State.empty().withLeader(false));

        assertEquals(Status.blocked("app needs s3"), leader.state().appStatus());
        assertEquals(Status.active(), leader.unitStatus());
        assertEquals(State.empty().appStatus(), follower.state().appStatus());
        assertEquals(Status.active(), follower.unitStatus());
    }

    @Test
    void aStatusACharmCannotSet_isRefusedWhereItIsAdded() {
        CollectStatus statuses = new CollectStatus();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> statuses.add(Status.unknown()));
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
    }

    @Test
    void aCollectorRegisteredTwice_isABugAtRegistration() {
        Result result = run(fw -> {
            fw.observeCollectUnitStatus("Charm.status", statuses -> { });
            fw.observeCollectUnitStatus("Charm.status", statuses -> { });
        }, State.empty());

        assertEquals(1, result.exitCode());
    }

    @Test
    void anUnchangedStatus_isNotSetAgain_untilAHandlerSetsAnother() {
        CharmFactory charm = fw -> {
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.onConfig", event -> HookOutcome.status(Status.maintenance("configuring")));
            fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.active("ready")));
        };
        Context ctx = new Context(charm, TestCharm.DIR, UNIT, "dev");

        Result first = ctx.run(TestEvent.hook("update-status"), State.empty());
        Result second = ctx.run(TestEvent.hook("update-status"), first.state());
        Result third = ctx.run(TestEvent.hook("config-changed"), second.state());

        assertEquals(List.of(Status.active("ready")), first.statusHistory());
        assertEquals(List.of(), second.statusHistory(), "Juju shows it already: no status-set");
        assertTrue(second.calls().stream().noneMatch(c -> c.startsWith("status-")), second.calls()::toString);
        assertEquals(List.of(Status.maintenance("configuring"), Status.active("ready")), third.statusHistory());
    }

    @Test
    void afterAFailedDispatch_theCollectedStatusIsSetAgain() {
        CharmFactory failing = fw -> {
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> {
                fw.model().setUnitStatus(Status.maintenance("half-way"));
                throw new IllegalStateException("boom");
            });
            fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.active("ready")));
        };
        CharmFactory healthy = fw -> fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.active("ready")));

        Result collected = run(healthy, State.empty());
        Result failed = run(failing, collected.state());
        Result after = run(healthy, failed.state());

        assertEquals(1, failed.exitCode());
        assertEquals(Status.maintenance("half-way"), failed.unitStatus());
        assertEquals(List.of(Status.active("ready")), after.statusHistory());
        assertEquals(Status.active("ready"), after.unitStatus());
    }

    @Test
    void theFrameworksKeys_areNotTheCharms() {
        Result result = run(fw -> fw.stored().put("jujuops.shown-unit-status", "active:"), State.empty());

        assertEquals(1, result.exitCode(), "a charm may not write the framework's stored keys");
    }
}
