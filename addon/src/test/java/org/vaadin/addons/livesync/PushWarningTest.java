package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;


import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.communication.PushMode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** Push off: the add-on says so once, clearly, and the view still refreshes on the next round trip. */
class PushWarningTest extends LivePipelineTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("org.vaadin.addons.livesync");

    @BeforeEach
    void attachLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void detachLog() {
        logger.detachAppender(log);
    }

    @Test
    void pushOffIsReportedOnceAndChangesShowOnTheNextRoundTrip() {
        UI.getCurrent().getPushConfiguration().setPushMode(PushMode.DISABLED);
        ItemsView first = new ItemsView(env.liveSync, 1L, env::load);
        ItemsView second = new ItemsView(env.liveSync, 1L, env::load);
        UI.getCurrent().add(first);
        UI.getCurrent().add(second);

        env.insert(1, "shown at the next round trip");
        LiveTestEnvironment.awaitUi(() -> first.titles().equals(List.of("shown at the next round trip")));

        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("@Push")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("AppShellConfigurator");
    }
}
