package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.CaptureState;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.grid.Grid;

/**
 * A row that the entity mapping cannot read (an enum value written by another program) affects
 * only the views it concerns, and is reported once with what to fix.
 */
@Timeout(120)
class BadRowTest extends LivePipelineTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger liveSyncLogger = (Logger) LoggerFactory.getLogger("org.vaadin.addons.livesync");

    @BeforeEach
    void captureLog() {
        log.start();
        liveSyncLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        liveSyncLogger.detachAppender(log);
    }

    /** A tenant's gadgets in a Grid, counting its loads. */
    static final class GadgetsView extends LiveSyncView<Long, VerticalLayout> {
        final Grid<Gadget> grid = new Grid<>();
        final AtomicInteger loads = new AtomicInteger();

        GadgetsView(LiveSync liveSync, Long tenant) {
            super(liveSync, tenant);
            grid.addColumn(Gadget::getTitle);
            watchList(Gadget.class, grid, t -> {
                loads.incrementAndGet();
                return env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                        "from Gadget where tenant = :t order by id", Gadget.class).setParameter("t", t).getResultList());
            });
            getContent().add(grid);
        }

        List<String> titles() {
            return grid.getGenericDataView().getItems().map(Gadget::getTitle).toList();
        }
    }

    private static GadgetsView gadgets(long tenant) {
        GadgetsView view = new GadgetsView(env.liveSync, tenant);
        UI.getCurrent().add(view);
        return view;
    }

    @Test
    void aRowWithAnUnknownEnumValueReloadsNoViewAndIsReportedOnce() {
        GadgetsView acme = gadgets(1);
        GadgetsView globex = gadgets(2);
        ItemsView items = open(2);
        env.db.execute("INSERT INTO live_view_test.gadget (tenant, title) VALUES (1, 'acme ok'), (2, 'globex ok')");
        awaitUi(() -> acme.titles().equals(List.of("acme ok")) && globex.titles().equals(List.of("globex ok")));
        int acmeLoads = acme.loads.get();
        int globexLoads = globex.loads.get();
        int itemLoads = items.loads.get();

        env.db.execute("INSERT INTO live_view_test.gadget (tenant, title, kind) VALUES (1, 'broken', 'HUGE')");
        for (int i = 0; i < 3; i++) {
            env.db.execute("UPDATE live_view_test.gadget SET title = 'broken " + i + "' WHERE kind = 'HUGE'");
        }
        env.db.execute("INSERT INTO live_view_test.gadget (tenant, title) VALUES (2, 'globex later')");
        awaitUi(() -> globex.titles().equals(List.of("globex ok", "globex later")));
        env.quiesce();

        assertThat(globex.loads.get()).as("another tenant's view does not reload").isEqualTo(globexLoads);
        assertThat(items.loads.get()).as("a view of another entity does not reload").isEqualTo(itemLoads);
        assertThat(acme.loads.get()).as("the row's own view does not reload either").isEqualTo(acmeLoads);
        assertThat(acme.titles()).containsExactly("acme ok");
        assertThat(env.liveSync.liveState().status()).isEqualTo(CaptureState.STREAMING);
        List<ILoggingEvent> reports = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getFormattedMessage().contains("Gadget"))
                .toList();
        assertThat(reports).as("reported once").hasSize(1);
        assertThat(reports.get(0).getFormattedMessage()).contains("HUGE").contains("live_view_test.gadget");

        env.db.execute("UPDATE live_view_test.gadget SET kind = 'LARGE', title = 'mended' WHERE kind = 'HUGE'");
        awaitUi(() -> acme.titles().equals(List.of("acme ok", "mended")));
    }
}
