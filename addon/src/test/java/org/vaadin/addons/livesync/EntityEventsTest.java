package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.ChangeType.DELETED;
import static org.vaadin.addons.livesync.ChangeType.INSERTED;
import static org.vaadin.addons.livesync.ChangeType.TRUNCATED;
import static org.vaadin.addons.livesync.ChangeType.UPDATED;
import static org.vaadin.addons.livesync.EventRecorder.event;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.LogCapture;

import com.vaadin.flow.shared.Registration;

/**
 * Events for code that is not a view, on the real pipeline and a real PostgreSQL (REPLICA IDENTITY
 * DEFAULT: no old key in the WAL; {@link EntityEventsFullIdentityTest} runs them under FULL).
 */
@Timeout(120)
class EntityEventsTest extends LivePipelineTest {

    private final List<Registration> registrations = new ArrayList<>();

    /** Whether the table's old keys are in the WAL. */
    boolean fullIdentity() {
        return false;
    }

    /** The old key as this identity's WAL tells it: {@code null} (not known) under DEFAULT. */
    private Object old(Object key) {
        return fullIdentity() ? key : null;
    }

    @AfterEach
    void removeListeners() {
        registrations.forEach(Registration::remove);
        registrations.clear();
        assertThat(env.liveSync.metrics().entityListeners()).isZero();
    }

    private <T> EventRecorder<T> record(EntityEvents<T> selection) {
        EventRecorder<T> recorder = new EventRecorder<>();
        registrations.add(selection.listen(recorder));
        return recorder;
    }

    private void sql(String... statements) {
        env.db.execute(statements);
    }

    /** Inserts the titles for the tenant in one transaction; returns their ids in order. */
    private List<Long> insertInOneTransaction(long tenant, String... titles) {
        List<Long> ids = new ArrayList<>();
        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            StringBuilder values = new StringBuilder();
            for (String title : titles) {
                values.append(values.isEmpty() ? "" : ", ").append("(").append(tenant).append(", '").append(title).append("')");
            }
            try (var rs = s.executeQuery("INSERT INTO live_view_test.item (tenant, title) VALUES " + values + " RETURNING id")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    @Test
    void aListenerOfAllRowsReceivesEveryChangeOfItsTypeInCommitOrderWithIdsAndKeys() {
        EventRecorder<Item> all = record(env.liveSync.events(Item.class));

        long a = env.insert(1, "a");
        sql("UPDATE live_view_test.item SET title = 'a2' WHERE id = " + a);
        sql("INSERT INTO live_view_test.gadget (tenant, title) VALUES (1, 'not an item')");
        sql("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + a);
        List<Long> bc = insertInOneTransaction(1, "b", "c");
        sql("DELETE FROM live_view_test.item WHERE id = " + a);
        sql("TRUNCATE live_view_test.item");

        assertThat(all.until(e -> e.changeType() == TRUNCATED)).containsExactly(
                event(INSERTED, a, null, 1L),
                event(UPDATED, a, old(1L), 1L),
                event(UPDATED, a, old(1L), 2L),
                event(INSERTED, bc.get(0), null, 1L),
                event(INSERTED, bc.get(1), null, 1L),
                event(DELETED, a, old(2L), null),
                "TRUNCATED");
        assertThat(all.events).allSatisfy(e -> {
            assertThat(e.entityType()).isEqualTo(Item.class);
            assertThat(e.entity()).isEmpty(); // not asked for
        });
        assertThat(all.events.get(3).commitTime()).isEqualTo(all.events.get(4).commitTime());
        assertThat(all.events.get(0).commitTime()).isBefore(all.events.get(3).commitTime());
        assertThat(all.events.get(0).id(Long.class)).isEqualTo(a);
        assertThat(all.threads).allMatch(name -> name.startsWith("livesync-events-"));
    }

    @Test
    void aListenerOfOneIdReceivesOnlyThatRowsChangesOfTheKindsItChose() {
        long a = env.insert(1, "a");
        long b = env.insert(1, "b");
        env.catchUp();
        EventRecorder<Item> ofA = record(env.liveSync.events(Item.class).forId(a));
        EventRecorder<Item> deletesOfA = record(env.liveSync.events(Item.class).ofKind(DELETED).forId(a));

        sql("UPDATE live_view_test.item SET title = 'b2' WHERE id = " + b);
        sql("UPDATE live_view_test.item SET title = 'a2' WHERE id = " + a);
        sql("UPDATE live_view_test.item SET tenant = 3 WHERE id = " + b);
        sql("DELETE FROM live_view_test.item WHERE id = " + b);
        sql("DELETE FROM live_view_test.item WHERE id = " + a);

        assertThat(ofA.until(e -> e.changeType() == DELETED)).containsExactly(
                event(UPDATED, a, old(1L), 1L),
                event(DELETED, a, old(1L), null));
        assertThat(deletesOfA.until(e -> e.changeType() == DELETED)).containsExactly(event(DELETED, a, old(1L), null));
    }

    @Test
    void aListenerOfOneSubscriptionValueReceivesTheChangesKnownToBeOfThatValueAndIsToldOfDeletesWithoutAKey() {
        long x = env.insert(1, "x");
        long y = env.insert(2, "y");
        long z = env.insert(2, "z");
        long w = env.insert(1, "w");
        env.catchUp();
        EventRecorder<Item> tenant1 = record(env.liveSync.events(Item.class).forSubscriptionValue(1L));

        long n = env.insert(1, "n");
        env.insert(2, "other tenant");
        sql("UPDATE live_view_test.item SET title = 'x2' WHERE id = " + x);
        sql("UPDATE live_view_test.item SET title = 'y2' WHERE id = " + y);
        sql("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + x); // moves away from 1
        sql("UPDATE live_view_test.item SET tenant = 1 WHERE id = " + y); // moves into 1
        sql("DELETE FROM live_view_test.item WHERE id = " + z);           // tenant 2's
        sql("DELETE FROM live_view_test.item WHERE id = " + w);           // tenant 1's
        long end = env.insert(1, "end");

        List<String> expected = new ArrayList<>(List.of(
                event(INSERTED, n, null, 1L),
                event(UPDATED, x, old(1L), 1L)));
        if (fullIdentity()) {
            expected.add(event(UPDATED, x, 1L, 2L)); // the WAL carries the old key: the move away is seen
            expected.add(event(UPDATED, y, 2L, 1L));
            // z's delete carries its old key 2: not this listener's
            expected.add(event(DELETED, w, 1L, null));
        } else {
            expected.add(event(UPDATED, y, null, 1L)); // the move away from 1 is known only by its new key 2
            // no key in the WAL and no view holds z or w: their tenant is unknown, so not their ids but notices
        }
        expected.add(event(INSERTED, end, null, 1L));
        assertThat(tenant1.until(e -> Long.valueOf(end).equals(e.id()))).filteredOn(line -> !line.startsWith("missed"))
                .containsExactlyElementsOf(expected);
        assertThat(tenant1.missed).as("notices of deletes whose tenant is unknown (two in a row may merge into one)")
                .allSatisfy(m -> assertThat(m.reason()).isEqualTo(MissedEvents.Reason.KEY_UNKNOWN));
        assertThat(tenant1.missed.stream().mapToLong(MissedEvents::count).sum()).isEqualTo(fullIdentity() ? 0 : 2);
    }

    @Test
    void aTruncateReachesTheListenersOfAllRowsOfOneIdAndOfOneValue() {
        long a = env.insert(1, "a");
        env.catchUp();
        EventRecorder<Item> all = record(env.liveSync.events(Item.class).ofKind(TRUNCATED));
        EventRecorder<Item> ofA = record(env.liveSync.events(Item.class).forId(a));
        EventRecorder<Item> tenant1 = record(env.liveSync.events(Item.class).forSubscriptionValue(1L));
        EventRecorder<Item> inserts = record(env.liveSync.events(Item.class).ofKind(INSERTED).forSubscriptionValue(1L));

        sql("TRUNCATE live_view_test.item");
        long after = env.insert(1, "after");

        for (EventRecorder<Item> recorder : List.of(all, ofA, tenant1)) {
            assertThat(recorder.until(e -> e.changeType() == TRUNCATED)).containsExactly("TRUNCATED");
            assertThat(recorder.events.get(0).id()).isNull();
        }
        assertThat(inserts.until(e -> Long.valueOf(after).equals(e.id()))).containsExactly(event(INSERTED, after, null, 1L));
    }

    @Test
    void listenersWithTheEntityGetPrivateCopiesLoadedInOneQueryPerTransactionSharedWithTheViews() {
        ItemsView view = open(1);
        List<EventRecorder<Item>> listeners = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            listeners.add(record(env.liveSync.events(Item.class).withEntity()));
        }
        EventRecorder<Item> tenant1 = record(env.liveSync.events(Item.class).forSubscriptionValue(1L).withEntity());
        EventRecorder<Item> plain = record(env.liveSync.events(Item.class));
        listeners.add(tenant1);
        env.catchUp();
        long before = env.liveSync.metrics().rowQueries();

        List<Long> ids = insertInOneTransaction(1, "one", "two", "three");

        listeners.forEach(l -> l.awaitEvents(3));
        awaitUi(() -> view.titles().size() == 3);
        long queries = env.liveSync.metrics().rowQueries() - before;
        System.out.printf("EntityEventsTest: %d row queries for a transaction of 3 rows, 1 view and %d listeners "
                + "with the entity%n", queries, listeners.size());
        assertThat(queries).isEqualTo(1);
        Set<Item> instances = Collections.newSetFromMap(new IdentityHashMap<>());
        instances.addAll(view.list.items());
        for (EventRecorder<Item> listener : listeners) {
            assertThat(listener.events).extracting(e -> e.entity().orElseThrow().getTitle())
                    .containsExactly("one", "two", "three");
            assertThat(listener.events).extracting(e -> e.entity().orElseThrow().getId()).containsExactlyElementsOf(ids);
            listener.events.forEach(e -> assertThat(instances.add(e.entity().orElseThrow()))
                    .as("an instance no other listener or view has").isTrue());
        }
        plain.awaitEvents(3);
        assertThat(plain.events).allSatisfy(e -> assertThat(e.entity()).isEmpty());
    }

    @Test
    void theEntityIsAbsentForADeleteAndForAValueListenerWhoseRowHasMovedAway() {
        long x = env.insert(1, "x");
        env.catchUp();
        EventRecorder<Item> all = record(env.liveSync.events(Item.class).withEntity());
        EventRecorder<Item> tenant1 = record(env.liveSync.events(Item.class).forSubscriptionValue(1L).withEntity());

        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("UPDATE live_view_test.item SET title = 'x2' WHERE id = " + x);
            s.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + x);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        all.awaitEvents(2); // loaded before the delete: else the update's entity is already gone (and absent)
        sql("DELETE FROM live_view_test.item WHERE id = " + x);
        long end = env.insert(1, "end");

        all.until(e -> Long.valueOf(end).equals(e.id()));
        assertThat(all.events).extracting(e -> e.entity().map(Item::getTenant).orElse(null))
                .containsExactly(2L, 2L, null, 1L);
        tenant1.until(e -> Long.valueOf(end).equals(e.id()));
        assertThat(tenant1.events).hasSizeGreaterThan(1).allSatisfy(e -> assertThat(e.entity().isPresent())
                .isEqualTo(Long.valueOf(end).equals(e.id())));
    }

    @Test
    void aListenerThatThrowsKeepsReceivingAndAnotherIsUnaffected() {
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        EventRecorder<Item> other = record(env.liveSync.events(Item.class).forSubscriptionValue(1L));
        try (LogCapture log = LogCapture.start("org.vaadin.addons.livesync")) {
            registrations.add(env.liveSync.events(Item.class).listen(event -> {
                seen.add(event.id(Long.class));
                throw new IllegalStateException("listener bug");
            }));

            long a = env.insert(1, "a");
            long b = env.insert(1, "b");
            long c = env.insert(1, "c");

            await().atMost(LiveTestEnvironment.WAIT).until(() -> seen.containsAll(List.of(a, b, c)));
            assertThat(other.until(e -> Long.valueOf(c).equals(e.id()))).containsExactly(
                    event(INSERTED, a, null, 1L), event(INSERTED, b, null, 1L), event(INSERTED, c, null, 1L));
            assertThat(log.lines()).filteredOn(line -> line.contains("threw")).hasSize(1)
                    .allMatch(line -> line.contains("listener bug") && line.contains("keeps receiving"));
        }
    }

    @Test
    void aBlockedListenerStallsNeitherTheStreamNorAnotherListenerAndIsToldWhatItMissed() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventRecorder<Item> blocked = new EventRecorder<>() {
            @Override
            public void onEvent(EntityEvent<Item> event) {
                super.onEvent(event);
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        registrations.add(env.liveSync.events(Item.class).forSubscriptionValue(1L).withQueueSize(5).listen(blocked));
        EventRecorder<Item> other = record(env.liveSync.events(Item.class).forSubscriptionValue(1L));
        long missedBefore = env.liveSync.metrics().missedEntityEvents();
        try {
            List<Long> ids = new ArrayList<>();
            ids.add(env.insert(1, "first"));
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 2; i <= 20; i++) {
                ids.add(env.insert(1, "row " + i));
            }

            other.awaitEvents(20); // the other listener is not held up
            env.catchUp();        // nor is the stream
            ItemsView view = open(1);
            long later = env.insert(1, "seen by a view meanwhile");
            awaitUi(() -> view.titles().contains("seen by a view meanwhile"));
            await().atMost(LiveTestEnvironment.WAIT)
                    .until(() -> env.liveSync.metrics().missedEntityEvents() - missedBefore == 15);
            assertThat(blocked.events).hasSize(1);

            release.countDown();
            long after = env.insert(1, "after release");
            List<String> expected = new ArrayList<>();
            for (long id : ids.subList(0, 6)) {
                expected.add(event(INSERTED, id, null, 1L));
            }
            expected.add("missed QUEUE_FULL 15"); // rows 7..20 and the view's row
            expected.add(event(INSERTED, after, null, 1L));
            assertThat(blocked.until(e -> Long.valueOf(after).equals(e.id()))).containsExactlyElementsOf(expected);
            assertThat(blocked.missed).singleElement().satisfies(m -> assertThat(m.entityTypes()).containsExactly(Item.class));
            assertThat(later).isPositive();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aRemovedListenerReceivesNothingMoreAndLeavesNoRegistration() {
        int before = env.liveSync.metrics().entityListeners();
        EventRecorder<Item> removed = new EventRecorder<>();
        Registration registration = env.liveSync.events(Item.class).listen(removed);
        registrations.add(registration); // removed again after the test, should it fail before it does
        assertThat(env.liveSync.metrics().entityListeners()).isEqualTo(before + 1);
        long a = env.insert(1, "a");
        removed.until(e -> Long.valueOf(a).equals(e.id()));

        registration.remove();
        registration.remove(); // idempotent
        assertThat(env.liveSync.metrics().entityListeners()).isEqualTo(before);
        EventRecorder<Item> still = record(env.liveSync.events(Item.class));
        long b = env.insert(1, "b");
        still.until(e -> Long.valueOf(b).equals(e.id()));

        assertThat(removed.sequence).containsExactly(event(INSERTED, a, null, 1L));
    }

    @Test
    void changesOfATenantNoViewHasOpenReachItsListeners() {
        long existing = env.insert(77, "nobody looks at tenant 77");
        env.catchUp();
        EventRecorder<Item> tenant77 = record(env.liveSync.events(Item.class).forSubscriptionValue(77L));
        EventRecorder<Item> ofExisting = record(env.liveSync.events(Item.class).forId(existing));

        long fresh = env.insert(77, "fresh");
        sql("UPDATE live_view_test.item SET title = 'changed' WHERE id = " + existing);
        sql("DELETE FROM live_view_test.item WHERE id = " + existing);
        long end = env.insert(77, "end");

        assertThat(tenant77.until(e -> Long.valueOf(end).equals(e.id()))).containsExactly(
                event(INSERTED, fresh, null, 77L),
                event(UPDATED, existing, old(77L), 77L),
                event(DELETED, existing, old(77L), null), // DEFAULT: its tenant known from the update just before
                event(INSERTED, end, null, 77L));
        assertThat(ofExisting.until(e -> e.changeType() == DELETED)).containsExactly(
                event(UPDATED, existing, old(77L), 77L),
                event(DELETED, existing, old(77L), null));
        assertThat(env.liveSync.metrics().registrations()).isZero();
    }

    @Test
    void listenersAreToldWhenTheStreamWasInterrupted() throws Exception {
        EventRecorder<Item> all = record(env.liveSync.events(Item.class));
        EventRecorder<Object> everyType = record(env.liveSync.events());
        long reconnectsBefore = env.liveSync.metrics().reconnects();

        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + env.liveSync.settings().slotName() + "'");
        }
        await().atMost(LiveTestEnvironment.WAIT).until(() -> env.liveSync.metrics().reconnects() > reconnectsBefore);
        long a = env.insert(1, "after the reconnect");

        assertThat(all.until(e -> Long.valueOf(a).equals(e.id())))
                .containsExactly("missed STREAM_INTERRUPTED 0", event(INSERTED, a, null, 1L));
        assertThat(all.missed).singleElement().satisfies(m -> assertThat(m.entityTypes()).containsExactly(Item.class));
        everyType.until(e -> Long.valueOf(a).equals(e.id()));
        assertThat(everyType.missed).singleElement().satisfies(m ->
                assertThat(m.entityTypes()).containsExactlyInAnyOrder(Item.class, Gadget.class));
    }

    @Test
    void aTransactionTooLargeToKeepIsReportedBeforeItsEvents() {
        EventRecorder<Item> all = record(env.liveSync.events(Item.class).withQueueSize(20_000));

        sql("INSERT INTO live_view_test.item (tenant, title) SELECT 5, 'bulk ' || i FROM generate_series(1, "
                + (DeliverySettings.DEFAULT_MAX_PENDING + 1) + ") i");
        long end = env.insert(5, "end");

        List<String> sequence = all.until(e -> Long.valueOf(end).equals(e.id()));
        assertThat(sequence.get(0)).isEqualTo("missed TOO_MANY_CHANGES 1"); // the one change past the limit (was 0: "not known")
        assertThat(all.missed).singleElement().satisfies(m -> assertThat(m.entityTypes()).containsExactly(Item.class));
        System.out.printf("EntityEventsTest: %d of %d inserts of one transaction had an event%n",
                sequence.size() - 2, DeliverySettings.DEFAULT_MAX_PENDING + 1);
        assertThat(sequence.size() - 2).isPositive().isLessThanOrEqualTo(DeliverySettings.DEFAULT_MAX_PENDING);
    }

    @Test
    void aSelectionThatCannotMatchIsRejectedWithTheFix() {
        assertThatThrownBy(() -> env.liveSync.events(Item.class).forId(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Integer").hasMessageContaining("Long");
        assertThatThrownBy(() -> env.liveSync.events(Item.class).forSubscriptionValue("1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Item.tenant is a Long");
        assertThatThrownBy(() -> env.liveSync.events().forId(1L))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("events(Task.class)");
        assertThatThrownBy(() -> env.liveSync.events(Item.class).forId(1L).forSubscriptionValue(1L))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("either");
        assertThatThrownBy(() -> env.liveSync.events(String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@Watched");
    }
}
