package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.LogCapture;

import ch.qos.logback.classic.Level;
import com.vaadin.flow.shared.Registration;

/**
 * One large insert for one tenant, with an all-rows entity listener registered as the README shows,
 * is reported once per gap with the real count: a notice that the rest of the transaction was not
 * read (how many changes), and one that the listener fell behind (how many events) — each one WARN
 * line, and together with the events it did receive, every row of the insert accounted for.
 */
@Timeout(180)
class MissedEventsWarningTest extends LivePipelineTest {

    private static final int ROWS = 2 * DeliverySettings.DEFAULT_MAX_PENDING;

    @Test
    void aLargeInsertIsReportedOncePerGapWithTheRealCounts() {
        CountDownLatch release = new CountDownLatch(1);
        EventRecorder<Item> listener = new EventRecorder<>() {
            @Override
            public void onEvent(EntityEvent<Item> event) {
                super.onEvent(event);
                if (events.size() == 1) { // falls behind on the first one, until the transaction is delivered
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        long missedBefore = env.liveSync.metrics().missedEntityEvents();
        try (LogCapture log = LogCapture.start("org.vaadin.addons.livesync")) {
            Registration registration = env.liveSync.events(Item.class).listen(listener);
            try {
                env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 5, 'bulk ' || i "
                        + "FROM generate_series(1, " + ROWS + ") i");
                int kept = DeliverySettings.DEFAULT_MAX_PENDING;
                int queued = EntityEvents.DEFAULT_QUEUE_SIZE;
                // one being handled, the queue full, (at least) the rest of the kept ones dropped
                await().atMost(LiveTestEnvironment.WAIT).until(() ->
                        env.liveSync.metrics().missedEntityEvents() - missedBefore >= kept - 1 - queued);
                release.countDown();
                long end = env.insert(5, "end");

                List<String> sequence = listener.until(e -> Long.valueOf(end).equals(e.id()));
                long queueFull = env.liveSync.metrics().missedEntityEvents() - missedBefore;
                assertThat(sequence.get(0)).isEqualTo("missed TOO_MANY_CHANGES " + (ROWS - kept));
                assertThat(sequence.subList(1, sequence.size())).as("the events it kept up with, one notice, the end")
                        .filteredOn(line -> line.startsWith("missed")).containsExactly("missed QUEUE_FULL " + queueFull);
                assertThat(sequence.get(sequence.size() - 2)).isEqualTo("missed QUEUE_FULL " + queueFull);
                assertThat(listener.missed).hasSize(2);
                long received = listener.events.size() - 1;
                long missed = listener.missed.stream().mapToLong(MissedEvents::count).sum();
                assertThat(received + missed).as("every row of the insert received or counted as missed")
                        .isEqualTo(ROWS);
                assertThat(log.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                        .extracting(e -> e.getFormattedMessage())
                        .as("WARN lines: one per gap, with its count")
                        .satisfiesExactly(
                                line -> assertThat(line).contains("TOO_MANY_CHANGES (" + (ROWS - kept) + ")"),
                                line -> assertThat(line).contains("QUEUE_FULL (" + queueFull + ")"));
            } finally {
                release.countDown();
                registration.remove();
            }
        }
    }
}
