package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.dispatch.Dispatcher;
import org.vaadin.addons.livesync.testdb.LogCapture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.vaadin.flow.component.UI;

/**
 * A view that receives nothing because it registered the wrong subscription value can be found in
 * the log: every registration and its removal is logged at DEBUG with the entity, the subscription
 * value and the view.
 */
@Timeout(120)
class RegistrationLogTest extends LivePipelineTest {

    @Test
    void registrationsAreLoggedAtDebugWithEntityValueAndView() {
        try (LogCapture log = LogCapture.start(Dispatcher.class.getName())) {
            ItemsView view = open(7);

            List<ILoggingEvent> registered = debugLines(log, "registered");
            assertThat(registered).as("one line for the watched list, one for the form").hasSize(2);
            assertThat(registered).allSatisfy(line -> assertThat(line.getFormattedMessage())
                    .contains("Item", "tenant = 7", "ItemsView", "UI " + UI.getCurrent().getUIId()));

            UI.getCurrent().remove(view);

            List<ILoggingEvent> unregistered = debugLines(log, "unregistered");
            assertThat(unregistered).hasSize(2);
            assertThat(unregistered).allSatisfy(line -> assertThat(line.getFormattedMessage())
                    .contains("Item", "tenant = 7", "ItemsView"));
        }
    }

    private static List<ILoggingEvent> debugLines(LogCapture log, String word) {
        return log.events().stream().filter(e -> e.getLevel() == Level.DEBUG)
                .filter(e -> e.getFormattedMessage().contains(" " + word + " ")).toList();
    }
}
