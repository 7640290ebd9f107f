package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.dispatch.Dispatcher;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;

/**
 * Registrations never pile up: 100,000 attach/detach cycles across sessions, sessions destroyed
 * by Vaadin, and sessions closed without any detach all return the dispatcher to zero, and the heap
 * to its baseline. ({@code -Dlivesync.leak.cycles} scales the first.)
 */
@Timeout(600)
class LeakTest extends LivePipelineTest {

    private static final int CYCLES = Integer.getInteger("livesync.leak.cycles", 100_000);
    /**
     * The stream's own state (its positions, the last heartbeat), which the stream replaces as it
     * runs whatever the views do: a few such objects more or fewer after the cycles are no leak.
     */
    private static final List<String> STREAM_STATE = List.of("org.vaadin.addons.livesync.internal.capture.",
            "org.vaadin.addons.livesync.internal.decode.");

    /** A view as navigation creates it: a live list and a live form, loaded without a query. */
    static final class LightView extends LiveSyncView<Long, VerticalLayout> {
        LightView(Long tenant) {
            super(env.liveSync, tenant);
            watchList(WatchKey.of(Item.class), t -> List.of());
            watchBean(Item.class, new Binder<>(Item.class));
        }
    }

    @Test
    void hundredThousandAttachDetachCyclesAcrossSessionsLeaveNothingBehind() {
        Dispatcher dispatcher = env.liveSync.pipeline().dispatcher();
        int before = dispatcher.registrations();
        List<VaadinSession> sessions = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            LightView first = TestSessions.openInNewSession(() -> new LightView(0L));
            sessions.add(first.getUI().orElseThrow().getSession());
            TestSessions.close(first);
        }
        assertThat(dispatcher.registrations()).isEqualTo(before);
        // the listener holds its last heartbeat (a Beat and its Lsn); the first is written up to
        // 10 s after start, so it is awaited before the baseline rather than counted as a survivor
        await().atMost(LiveTestEnvironment.WAIT).until(LeakTest::heartbeatWritten);
        cycle(sessions, 2_000); // warm up, then measure
        long baseline = usedHeapAfterGc();
        java.util.Map<String, Long> classesBefore = restingInstances();

        cycle(sessions, CYCLES);

        assertThat(dispatcher.registrations()).isEqualTo(before);
        assertThat(dispatcher.heldIndexSize()).isZero();
        assertThat(dispatcher.uis()).isZero();
        long growth = usedHeapAfterGc() - baseline;
        long perCycle = Math.max(0, growth) / CYCLES;
        java.util.Map<String, Long> after = survivingInstances();
        java.util.Map<String, Long> survivors = new java.util.TreeMap<>();
        after.forEach((type, count) -> {
            if (type.startsWith("org.vaadin.addons.livesync.") && !type.contains("$$Lambda")
                    && STREAM_STATE.stream().noneMatch(type::startsWith)
                    && count > classesBefore.getOrDefault(type, 0L)) {
                survivors.put(type, count - classesBefore.getOrDefault(type, 0L));
            }
        });
        System.out.printf("LeakTest: %d attach/detach cycles over %d sessions, live heap growth %d KB (%d bytes a cycle)%n",
                CYCLES, sessions.size(), growth / 1024, perCycle);
        // what the heap holds more than before is not ours: no view, subscription or mailbox survives
        // (the rest is Vaadin's development-mode component tracker and JVM caches, which vary run to run)
        assertThat(survivors).as("instances of LiveSync and view classes that survived %d cycles", CYCLES).isEmpty();
    }

    /** Each cycle opens the view in a new UI of one of the sessions and closes that UI again (a tab opened and closed). */
    private static void cycle(List<VaadinSession> sessions, int cycles) {
        for (int i = 0; i < cycles; i++) {
            VaadinSession session = sessions.get(i % sessions.size());
            long tenant = i % 7;
            TestSessions.close(TestSessions.openInSession(session, () -> new LightView(tenant)));
        }
    }

    @Test
    void sessionsDestroyedByVaadinDropTheirRegistrations() {
        Dispatcher dispatcher = env.liveSync.pipeline().dispatcher();
        List<VaadinSession> sessions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long tenant = i % 5;
            sessions.add(TestSessions.openInNewSession(() -> new LightView(tenant)).getUI().orElseThrow().getSession());
        }
        assertThat(dispatcher.registrations()).isEqualTo(1000);

        sessions.forEach(VaadinService.getCurrent()::fireSessionDestroy);

        await().atMost(LiveTestEnvironment.WAIT).until(() -> dispatcher.registrations() == 0);
        assertThat(dispatcher.uis()).isZero();
    }

    @Test
    void sessionsClosedWithoutAnyDetachAreSweptAway() {
        Dispatcher dispatcher = env.liveSync.pipeline().dispatcher();
        List<TestSessions.TestSession> sessions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long tenant = i % 5;
            sessions.add((TestSessions.TestSession) TestSessions.openInNewSession(() -> new LightView(tenant))
                    .getUI().orElseThrow().getSession());
        }
        LightView alive = TestSessions.openInNewSession(() -> new LightView(1L));
        sessions.forEach(TestSessions.TestSession::closeWithoutDetach);
        assertThat(dispatcher.registrations()).isEqualTo(1002);

        dispatcher.sweep();

        await().atMost(LiveTestEnvironment.WAIT).until(() -> dispatcher.registrations() == 2);
        assertThat(dispatcher.uis()).isEqualTo(1);
        TestSessions.close(alive);
        assertThat(dispatcher.registrations()).isZero();
    }

    /** Whether a heartbeat was written (its connection's last statement shows in pg_stat_activity). */
    private static boolean heartbeatWritten() throws java.sql.SQLException {
        try (var c = env.db.connect(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        + " AND query LIKE 'SELECT pg_logical_emit_message(false, $1, $2)%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private static String histogram() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Live instances by class name at rest: the most of three histograms, since the running threads
     * hold a varying few short-lived objects on their stacks (the reader's positions, say).
     */
    private static java.util.Map<String, Long> restingInstances() {
        java.util.Map<String, Long> most = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            instances(histogram()).forEach((type, count) -> most.merge(type, count, Math::max));
        }
        return most;
    }

    /**
     * Live instances by class name that stay: the fewest of three histograms, so that an object a
     * background task holds for a moment (a publication check's, a janitor's) is not taken for one
     * that survived the cycles.
     */
    private static java.util.Map<String, Long> survivingInstances() {
        java.util.Map<String, Long> fewest = instances(histogram());
        for (int i = 0; i < 2; i++) {
            java.util.Map<String, Long> next = instances(histogram());
            fewest.replaceAll((type, count) -> Math.min(count, next.getOrDefault(type, 0L)));
        }
        return fewest;
    }

    /** Live instances by class name, from a class histogram. */
    private static java.util.Map<String, Long> instances(String histogram) {
        java.util.Map<String, Long> map = new java.util.HashMap<>();
        histogram.lines().map(String::trim).filter(l -> l.matches("\\d+:.*")).forEach(l -> {
            String[] parts = l.split("\\s+");
            map.merge(parts[3], Long.parseLong(parts[1]), Long::sum);
        });
        return map;
    }

    /** Bytes of live objects: the total of a class histogram, which the JVM takes after a full GC. */
    private static long usedHeapAfterGc() {
        String total = histogram().lines().filter(l -> l.startsWith("Total")).findFirst().orElseThrow();
        String[] parts = total.trim().split("\\s+");
        return Long.parseLong(parts[2]);
    }
}
