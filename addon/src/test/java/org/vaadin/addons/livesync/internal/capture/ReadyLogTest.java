package org.vaadin.addons.livesync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.testdb.LogCapture;

import ch.qos.logback.classic.Level;

/**
 * The listener says at INFO, once per stream start, that changes flow: "ready" for the first
 * stream, "live again" after an interruption, each naming the position, publication and slot.
 */
@Timeout(120)
class ReadyLogTest {

    private final CaptureFixture fixture = new CaptureFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void eachStreamStartIsAnnouncedOnceAtInfo() {
        fixture.table("ready", "CREATE TABLE %s (id bigserial PRIMARY KEY)");
        try (LogCapture log = LogCapture.start(ReplicationListener.class.getName())) {
            fixture.start();
            assertThat(streamStarts(log)).singleElement().asString()
                    .startsWith("LiveSync is ready: streaming changes from ")
                    .contains("publication " + fixture.publication, "slot " + fixture.listener.settings().slotName());

            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.killWalsender() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.listener.reconnects() == 1
                    && fixture.listener.state() == CaptureState.STREAMING);

            List<String> starts = streamStarts(log);
            assertThat(starts).hasSize(2);
            assertThat(starts.get(1)).startsWith("LiveSync is live again after an interruption: streaming changes from ");
        }
    }

    /** The INFO lines that announce a stream. */
    private static List<String> streamStarts(LogCapture log) {
        return log.events().stream().filter(e -> e.getLevel() == Level.INFO)
                .map(e -> e.getFormattedMessage()).filter(m -> m.contains("streaming")).toList();
    }
}
