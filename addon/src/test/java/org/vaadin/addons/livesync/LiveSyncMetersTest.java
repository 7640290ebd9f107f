package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The {@code livesync.*} meters ({@link LiveSyncMeterBinder} on a {@link SimpleMeterRegistry}) and
 * {@link LiveSyncMetrics}, moved by real commits reaching Karibu views through the real pipeline.
 */
@Timeout(120)
class LiveSyncMetersTest extends LivePipelineTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private LiveSyncMeterBinder binder;

    @BeforeEach
    void bind() {
        binder = new LiveSyncMeterBinder(env.liveSync);
        binder.bindTo(registry);
    }

    @AfterEach
    void unbind() {
        binder.close();
    }

    @Test
    void countersMoveWhenACommittedInsertReachesAView() {
        ItemsView view = open(1);
        double transactions = counter("livesync.received.transactions");
        double received = counter("livesync.received.rows");
        double delivered = counter("livesync.delivered.rows");
        long timed = latency().count();

        env.insert(1, "counted");

        awaitUi(() -> view.titles().contains("counted"));
        await().atMost(LiveTestEnvironment.WAIT).until(() -> latency().count() > timed);
        assertThat(counter("livesync.received.transactions")).isGreaterThan(transactions);
        assertThat(counter("livesync.received.rows")).isGreaterThan(received);
        assertThat(counter("livesync.delivered.rows")).isGreaterThan(delivered);
        assertThat(gauge("livesync.uis")).isGreaterThanOrEqualTo(1);
        assertThat(gauge("livesync.subscriptions")).isGreaterThanOrEqualTo(2); // the list and the form
        assertThat(gauge("livesync.streaming")).isEqualTo(1);
        assertThat(registry.get("livesync.lag").gauge().value()).isNotNegative();
        assertThat(registry.get("livesync.lag.time").timeGauge().value(TimeUnit.SECONDS)).isNotNegative();
        assertThat(latency().max(TimeUnit.MILLISECONDS)).isNotNegative();
        System.out.printf("delivery latency: %d sample(s), max %.1f ms, percentiles %s%n", latency().count(),
                latency().max(TimeUnit.MILLISECONDS), List.of(latency().takeSnapshot().percentileValues()).stream()
                        .map((ValueAtPercentile p) -> p.percentile() + "=" + p.value(TimeUnit.MILLISECONDS) + " ms")
                        .toList());
        LiveSyncMetrics metrics = env.liveSync.metrics();
        assertThat(metrics.rowsReceived()).isEqualTo((long) counter("livesync.received.rows"));
    }

    @Test
    void bindingTheSameRegistryTwiceRecordsEachDeliveryOnce() {
        binder.bindTo(registry);
        ItemsView view = open(1);
        long timed = latency().count();

        env.insert(1, "timed once");

        awaitUi(() -> view.titles().contains("timed once"));
        env.quiesce();
        assertThat(latency().count()).isEqualTo(timed + 1); // one UI applied it once
    }

    @Test
    void aReloadAfterAnInterruptionIsCountedWithItsCause() throws Exception {
        ItemsView view = open(1);
        int loadsBefore = view.loads.get();
        double gapReloads = reloads("gap");
        double reconnects = counter("livesync.reconnects");
        long metricsGapReloads = env.liveSync.metrics().reloads().get(ReloadCause.GAP);

        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + env.liveSync.settings().slotName() + "'");
        }

        awaitUi(() -> counter("livesync.reconnects") > reconnects && view.loads.get() > loadsBefore);
        await().atMost(LiveTestEnvironment.WAIT).until(() -> reloads("gap") > gapReloads);
        assertThat(env.liveSync.metrics().reloads().get(ReloadCause.GAP)).isGreaterThan(metricsGapReloads);
        assertThat(env.liveSync.metrics().totalReloads())
                .isGreaterThanOrEqualTo(env.liveSync.metrics().reloads().get(ReloadCause.GAP));
        System.out.println("reloads by cause after the interruption: " + env.liveSync.metrics().reloads());
    }

    @Test
    void changesToTheSameRowWhileItsUiIsBusyAreCountedAsCoalesced() {
        ItemsView view = open(1);
        double coalesced = counter("livesync.coalesced.changes");

        long id = env.insert(1, "first");
        env.catchUp(); // routed to the view, not applied: Karibu's test thread holds the session lock
        env.db.execute("UPDATE live_view_test.item SET title = 'second' WHERE id = " + id);
        env.catchUp();
        MockVaadin.runUIQueue();

        awaitUi(() -> view.titles().equals(List.of("second")));
        assertThat(counter("livesync.coalesced.changes")).isGreaterThan(coalesced);
        assertThat(env.liveSync.metrics().coalescedChanges()).isEqualTo((long) counter("livesync.coalesced.changes"));
    }

    @Test
    void aReloadTheApplicationAsksForIsCountedAsRequested() {
        ItemsView view = open(1);
        double requested = reloads("requested");
        double gap = reloads("gap");

        view.list.reload();

        assertThat(reloads("requested")).isEqualTo(requested + 1);
        assertThat(reloads("gap")).isEqualTo(gap);
    }

    @Test
    void everyReloadCauseIsAMeterAndEveryMeterIsALivesyncOne() {
        for (ReloadCause cause : ReloadCause.values()) {
            assertThat(registry.get("livesync.reloads").tag("cause", cause.tag()).functionCounter().count())
                    .isEqualTo(env.liveSync.metrics().reloads().get(cause).doubleValue());
        }
        assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getName()).startsWith("livesync."));
    }

    @Test
    void theReadmeTableListsEveryMeterAndNoOther() throws Exception {
        Set<String> documented = Files.readAllLines(Path.of("../README.md")).stream()
                .filter(line -> line.startsWith("| livesync."))
                .map(line -> line.substring(2, line.indexOf(' ', 2)))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> bound = registry.getMeters().stream().map(meter -> meter.getId().getName())
                .filter(name -> !name.endsWith(".percentile")) // the timer's percentiles, as some registries show them
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).isEqualTo(bound);
    }

    private double counter(String name) {
        return registry.get(name).functionCounter().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double reloads(String cause) {
        return registry.get("livesync.reloads").tag("cause", cause).functionCounter().count();
    }

    private Timer latency() {
        return registry.get("livesync.delivery.latency").timer();
    }
}
