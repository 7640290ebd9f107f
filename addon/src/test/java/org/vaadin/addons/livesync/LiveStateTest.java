package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.LiveTestEnvironment.WAIT;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.testdb.LogCapture;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.signals.Signal;

/**
 * Whether changes flow, and the lag, as a Vaadin signal and as a plain listener, on the real
 * pipeline: across a walsender kill, with a missing publication, bound to a component's life, with a
 * throwing listener, and while a large transaction is delivered.
 */
@Timeout(180)
class LiveStateTest extends LivePipelineTest {

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();

    @AfterEach
    void removeRegistrations() {
        registrations.forEach(Registration::remove);
    }

    /** Records every state a listener receives. */
    private List<LiveState> record(LiveSync liveSync) {
        List<LiveState> seen = new CopyOnWriteArrayList<>();
        registrations.add(liveSync.addStateListener(seen::add));
        return seen;
    }

    private static void killWalsender(LiveSync liveSync) throws Exception {
        try (Connection c = env.db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(pg_terminate_backend(active_pid))::int FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, liveSync.settings().slotName());
            await().atMost(WAIT).until(() -> {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == 1;
                }
            });
        }
    }

    /** Whether the statuses seen include one that is not STREAMING, followed later by STREAMING. */
    private static boolean interruptedAndBack(List<CaptureState> statuses) {
        int down = -1;
        for (int i = 0; i < statuses.size(); i++) {
            if (statuses.get(i) != CaptureState.STREAMING && down < 0) {
                down = i;
            } else if (statuses.get(i) == CaptureState.STREAMING && down >= 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theListenerAndTheSignalReportReconnectingThenStreamingAgain() throws Exception {
        LiveSync liveSync = env.liveSync;
        assertThat(liveSync.liveState().status()).isEqualTo(CaptureState.STREAMING);
        await().atMost(WAIT).until(() -> liveSync.stateSignal().peek().isLive());
        List<LiveState> heard = record(liveSync);
        List<CaptureState> signalled = new CopyOnWriteArrayList<>();
        registrations.add(Signal.unboundEffect(() -> signalled.add(liveSync.stateSignal().get().status())));
        long reconnects = liveSync.metrics().reconnects();

        killWalsender(liveSync);

        await().atMost(WAIT).until(() -> liveSync.metrics().reconnects() > reconnects
                && interruptedAndBack(heard.stream().map(LiveState::status).toList())
                && interruptedAndBack(signalled));
        System.out.println("Statuses heard across a walsender kill: "
                + heard.stream().map(LiveState::status).toList() + "; signalled: " + signalled);
        assertThat(heard).filteredOn(state -> !state.isLive()).first().extracting(LiveState::status)
                .isEqualTo(CaptureState.RECONNECTING);
        assertThat(liveSync.liveState().isLive()).isTrue();
    }

    @Test
    void aThrowingStateListenerIsLoggedAndKeptAndTheOthersAreCalled() throws Exception {
        LiveSync liveSync = env.liveSync;
        AtomicInteger thrown = new AtomicInteger();
        try (LogCapture log = LogCapture.start(LiveStateFeed.class.getName())) {
            registrations.add(liveSync.addStateListener(state -> {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }));
            List<LiveState> heard = record(liveSync);

            killWalsender(liveSync);

            await().atMost(WAIT).until(() -> interruptedAndBack(heard.stream().map(LiveState::status).toList()));
            assertThat(thrown.get()).as("called for each change, though it threw the first time")
                    .isGreaterThanOrEqualTo(2);
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .contains("state listener", "stays registered", "listener bug"));
        }
    }

    @Test
    void anEffectOwnedByAComponentRunsWhileAttachedAndStopsOnDetachAndRemove() throws Exception {
        LiveSync liveSync = env.liveSync;
        Span badge = new Span();
        Span control = new Span();
        UI.getCurrent().add(badge, control);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger controlRuns = new AtomicInteger();
        Registration effect = Signal.effect(badge, () -> {
            runs.incrementAndGet();
            badge.setText(liveSync.stateSignal().get().status().name());
        });
        Signal.effect(control, () -> {
            controlRuns.incrementAndGet();
            control.setText(liveSync.stateSignal().get().status().name());
        });
        assertThat(badge.getText()).isEqualTo("STREAMING");
        int initialRuns = runs.get();
        long reconnects = liveSync.metrics().reconnects();

        killWalsender(liveSync);
        awaitUi(() -> runs.get() > initialRuns && "STREAMING".equals(badge.getText())
                && liveSync.metrics().reconnects() > reconnects);

        UI.getCurrent().remove(badge);
        int detachedRuns = runs.get();
        interruptAndAwaitTheControl(liveSync, control, controlRuns);
        assertThat(runs.get()).as("no run while detached").isEqualTo(detachedRuns);

        UI.getCurrent().add(badge);
        assertThat(runs.get()).as("runs again on attach: the state changed while detached")
                .isGreaterThan(detachedRuns);
        effect.remove();
        int removedRuns = runs.get();
        interruptAndAwaitTheControl(liveSync, control, controlRuns);
        assertThat(runs.get()).as("no run after remove()").isEqualTo(removedRuns);
    }

    /**
     * Interrupts the stream and waits until it is back and an effect on the attached
     * {@code control} has run for it (effects of one change are dispatched together).
     */
    private void interruptAndAwaitTheControl(LiveSync liveSync, Span control, AtomicInteger controlRuns)
            throws Exception {
        List<LiveState> heard = record(liveSync);
        int before = controlRuns.get();
        killWalsender(liveSync);
        await().atMost(WAIT).until(() -> interruptedAndBack(heard.stream().map(LiveState::status).toList()));
        awaitUi(() -> controlRuns.get() > before && "STREAMING".equals(control.getText()));
        MockVaadin.runUIQueue();
    }

    @Test
    void aMissingPublicationIsReportedAsNotReadyWithTheProblemUntilItIsCreated() {
        String publication = TestDatabase.uniqueName("missing");
        LiveSync liveSync = LiveSync.create(env.sessionFactory, CaptureSettings
                .forDatabase(env.db.jdbcUrl(), env.db.user(), env.db.password()).withPublication(publication)
                .withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
        try {
            assertThat(liveSync.liveState().status()).isEqualTo(CaptureState.NEW);
            List<LiveState> heard = record(liveSync);
            liveSync.start();

            await().atMost(WAIT).until(() -> liveSync.stateSignal().peek().status() == CaptureState.NOT_READY);
            LiveState notReady = liveSync.stateSignal().peek();
            assertThat(notReady.problems()).extracting(PreflightProblem::kind)
                    .contains(PreflightProblem.Kind.PUBLICATION_MISSING);
            assertThat(notReady.isLive()).isFalse();
            assertThat(heard).extracting(LiveState::status).contains(CaptureState.NOT_READY);

            env.db.execute("CREATE PUBLICATION " + publication + " FOR TABLE live_view_test.item, live_view_test.gadget");
            await().atMost(WAIT).until(() -> liveSync.stateSignal().peek().isLive());
            assertThat(liveSync.liveState().problems()).isEmpty();
            await().atMost(WAIT).until(() -> !heard.isEmpty() && heard.getLast().isLive());
            System.out.println("Statuses heard from start to streaming: " + heard.stream().map(LiveState::status).toList());
        } finally {
            liveSync.stop();
            env.db.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
        MockVaadin.runUIQueue(); // the session's own signal is set in the session's access
        assertThat(liveSync.stateSignal().peek().status()).isEqualTo(CaptureState.STOPPED);
    }

    @Test
    void lagFiguresAreNeverNegativeAndDropBackOnceCaughtUp() throws Exception {
        LiveSync liveSync = env.liveSync;
        List<LiveState> heard = record(liveSync);
        Lsn before = currentInsertLsn();

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) "
                + "SELECT -1, repeat('x', 100) || g FROM generate_series(1, 200000) g");
        env.catchUp();

        await().atMost(WAIT).until(() -> liveSync.liveState().lagBytes() == 0
                && liveSync.liveState().lag().isZero());
        LiveState caughtUp = liveSync.liveState();
        assertThat(caughtUp.lastCommitTime()).isNotNull();
        assertThat(Lsn.valueOf(caughtUp.lastCommitLsn()).isAfter(before)).isTrue();
        assertThat(heard).allSatisfy(state -> {
            assertThat(state.lagBytes()).isNotNegative();
            assertThat(state.lag().isNegative()).isFalse();
        });
        System.out.println("Lag while 200,000 rows were delivered: at most "
                + heard.stream().mapToLong(LiveState::lagBytes).max().orElse(0) + " bytes, "
                + heard.stream().map(LiveState::lag).max(Duration::compareTo).orElse(Duration.ZERO).toMillis()
                + " ms, in " + heard.size() + " updates; after catching up: " + caughtUp.lagBytes() + " bytes, "
                + caughtUp.lag().toMillis() + " ms");
        env.db.execute("DELETE FROM live_view_test.item WHERE tenant = -1");
    }

    @Test
    void theSignalSerializesAsAReferenceAndTheStateAsAValue() throws Exception {
        // off a session's UI thread: the one shared signal, serialized as a reference to it
        Signal<LiveState> shared = java.util.concurrent.CompletableFuture.supplyAsync(env.liveSync::stateSignal).get();
        LiveState state = env.liveSync.liveState();

        assertThat(roundTrip(shared)).isSameAs(shared);
        assertThat(roundTrip(state)).isEqualTo(state);
        // on a session's UI thread: the session's own signal, which serializes with the session, by value
        Signal<LiveState> own = env.liveSync.stateSignal();
        MockVaadin.runUIQueue();
        @SuppressWarnings("unchecked")
        Signal<LiveState> restored = (Signal<LiveState>) roundTrip(own);
        assertThat(restored.peek().status()).isEqualTo(own.peek().status());
    }

    private static Object roundTrip(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    private static Lsn currentInsertLsn() throws Exception {
        try (Connection c = env.db.connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return Lsn.valueOf(rs.getString(1));
        }
    }
}
