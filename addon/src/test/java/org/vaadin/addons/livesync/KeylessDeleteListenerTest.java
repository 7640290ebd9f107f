package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.ChangeType.DELETED;
import static org.vaadin.addons.livesync.ChangeType.INSERTED;
import static org.vaadin.addons.livesync.EventRecorder.event;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.LogCapture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.vaadin.flow.shared.Registration;

/**
 * A listener of one subscription value on a table whose WAL carries only the id of a deleted row
 * (REPLICA IDENTITY DEFAULT): it never hears another tenant's id. A delete of a row a view holds
 * goes to the listeners of the value the view holds it under, or that the stream told last (an insert
 * or move seen since); a delete of a row whose tenant is unknown is a counted notice
 * ({@link MissedEvents.Reason#KEY_UNKNOWN}), one per transaction, without the id.
 */
@Timeout(120)
class KeylessDeleteListenerTest extends LivePipelineTest {

    private final List<Registration> registrations = new ArrayList<>();

    @AfterEach
    void removeListeners() {
        registrations.forEach(Registration::remove);
        registrations.clear();
    }

    private <T> EventRecorder<T> record(EntityEvents<T> selection) {
        EventRecorder<T> recorder = new EventRecorder<>();
        registrations.add(selection.listen(recorder));
        return recorder;
    }

    private static long count(LogCapture log, Level level, String text) {
        return log.events().stream().filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).count();
    }

    @Test
    void aTenantsListenerNeverHearsAnotherTenantsDeletedIdIsToldOfUnknownOnesAndHearsItsOwnHeldRows() {
        long mine = env.insert(1, "mine, on a tenant 1 view");
        long theirsShown = env.insert(2, "theirs, on a tenant 2 view");
        long theirsUnseen = env.insert(3, "theirs, on no view");
        long theirsUnseenToo = env.insert(3, "theirs too, on no view");
        long theirsUnseenLast = env.insert(3, "theirs as well, on no view");
        env.catchUp();
        ItemsView acme = open(1);
        ItemsView globex = open(2);
        awaitUi(() -> acme.titles().size() == 1 && globex.titles().size() == 1);

        try (LogCapture log = LogCapture.start("org.vaadin.addons.livesync")) {
            EventRecorder<Item> tenant1 = record(env.liveSync.events(Item.class).forSubscriptionValue(1L));
            EventRecorder<Item> inserts1 = record(env.liveSync.events(Item.class).ofKind(INSERTED).forSubscriptionValue(1L));
            EventRecorder<Item> all = record(env.liveSync.events(Item.class));
            EventRecorder<Item> tenant3 = record(env.liveSync.events(Item.class).forSubscriptionValue(3L));

            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + theirsShown);
            env.db.execute("DELETE FROM live_view_test.item WHERE id IN (" + theirsUnseen + ", " + theirsUnseenToo + ")");
            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + mine);
            long end = env.insert(1, "end");
            long later = env.insert(3, "later, on no view"); // its key is known from the stream since
            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + later);
            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + theirsUnseenLast);
            long last = env.insert(1, "last");

            assertThat(tenant1.until(e -> Long.valueOf(last).equals(e.id())))
                    .as("tenant 1's listener: its own held row's delete, one counted notice per transaction of "
                            + "deletes whose tenant is unknown, no other tenant's id")
                    .containsExactly(
                            "missed KEY_UNKNOWN 2",
                            event(DELETED, mine, null, null),
                            event(INSERTED, end, null, 1L),
                            "missed KEY_UNKNOWN 1",
                            event(INSERTED, last, null, 1L));
            assertThat(tenant1.events).extracting(EntityEvent::id)
                    .doesNotContain(theirsShown, theirsUnseen, theirsUnseenToo, later, theirsUnseenLast);
            assertThat(tenant3.until(e -> e.changeType() == DELETED && Long.valueOf(later).equals(e.id())))
                    .as("a row no view holds, inserted since: its tenant's listener hears its delete")
                    .containsExactly("missed KEY_UNKNOWN 2", event(INSERTED, later, null, 3L), event(DELETED, later, null, null));
            assertThat(inserts1.until(e -> Long.valueOf(last).equals(e.id())))
                    .as("a listener that selects no deletes is told of none")
                    .containsExactly(event(INSERTED, end, null, 1L), event(INSERTED, last, null, 1L));
            assertThat(all.until(e -> Long.valueOf(last).equals(e.id()))).as("a listener of all rows: as before")
                    .contains(event(DELETED, theirsShown, null, null), event(DELETED, theirsUnseen, null, null),
                            event(DELETED, mine, null, null), event(DELETED, later, null, null));
            await().atMost(LiveTestEnvironment.WAIT).untilAsserted(() -> assertThat(count(log, Level.WARN,
                    "REPLICA IDENTITY FULL")).as("one WARN naming the fix at registration (checked off the registering "
                    + "thread), one for each listener's first notice (tenant 1's, tenant 3's)").isEqualTo(3));
            await().atMost(LiveTestEnvironment.WAIT).untilAsserted(() -> assertThat(count(log, Level.DEBUG,
                    "KEY_UNKNOWN")).as("each listener's later notice").isEqualTo(2));
        }
    }

    @Test
    void aDeleteRightAfterAMoveGoesToTheTenantTheRowMovedIntoNotToTheOneWhoseViewStillHoldsIt() {
        long moving = env.insert(1, "moves from tenant 1 to 2, then is deleted");
        env.catchUp();
        ItemsView acme = open(1);
        awaitUi(() -> acme.titles().size() == 1);
        EventRecorder<Item> tenant1 = record(env.liveSync.events(Item.class).forSubscriptionValue(1L));
        EventRecorder<Item> tenant2 = record(env.liveSync.events(Item.class).forSubscriptionValue(2L));

        // the UI queue does not run meanwhile: tenant 1's view still holds the row when its delete comes
        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + moving);
        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + moving);
        long end1 = env.insert(1, "end 1");
        long end2 = env.insert(2, "end 2");

        assertThat(tenant2.until(e -> Long.valueOf(end2).equals(e.id()))).as("the tenant the row moved into")
                .containsExactly(event(ChangeType.UPDATED, moving, null, 2L), event(DELETED, moving, null, null),
                        event(INSERTED, end2, null, 2L));
        assertThat(tenant1.until(e -> Long.valueOf(end1).equals(e.id())))
                .as("the tenant it left (under DEFAULT the move away has no event): nothing of the row it no longer has")
                .containsExactly(event(INSERTED, end1, null, 1L));
        env.quiesce();
        assertThat(acme.titles()).containsExactly("end 1");
    }
}
