package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.StandbyPair;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;

/**
 * Views fed from a hot standby: the test's own PostgreSQL 17 primary and standby, LiveSync's slot
 * on the standby ({@link CaptureSettings#withReplicationSource}), its SQL, the views' loads and the
 * writes on the primary.
 */
@Timeout(180)
class LiveViewsFromAStandbyTest {

    private static StandbyPair servers;
    private static LiveTestEnvironment env;

    @BeforeAll
    static void startPrimaryStandbyAndLiveSync() {
        servers = StandbyPair.start();
        env = new LiveTestEnvironment(servers.primary(), "DEFAULT",
                settings -> settings.withReplicationSource(servers.standby().jdbcUrl()));
    }

    @AfterAll
    static void stopAll() {
        if (env != null) {
            env.close();
        }
        servers.close();
    }

    @BeforeEach
    void setUpVaadin() {
        env.freshUi();
    }

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
    }

    @Test
    void rowsWrittenOnThePrimaryReachTheirViewThroughTheStandbysSlotOnceAndInOrder() {
        ItemsView acme = open(1);
        ItemsView globex = open(2);
        EventRecorder<Item> recorder = new EventRecorder<>();
        Registration listening = env.liveSync.events(Item.class).listen(recorder);

        long id = env.insert(1, "written on the primary");
        awaitUi(() -> acme.titles().equals(List.of("written on the primary")));
        env.db.execute("UPDATE live_view_test.item SET title = 'renamed on the primary' WHERE id = " + id);
        awaitUi(() -> acme.titles().equals(List.of("renamed on the primary")));
        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
        awaitUi(() -> acme.titles().isEmpty());
        env.quiesce();
        listening.remove();

        assertThat(recorder.events).as("each change once, in commit order")
                .extracting(EntityEvent::changeType)
                .containsExactly(ChangeType.INSERTED, ChangeType.UPDATED, ChangeType.DELETED);
        assertThat(recorder.events).extracting(EntityEvent::id).containsOnly(id);
        assertThat(globex.titles()).as("another tenant's view").isEmpty();
        String slot = env.liveSync.settings().slotName();
        assertThat(StandbyPair.query(servers.standby(),
                "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '" + slot + "'"))
                .as("the slot streams on the standby").isEqualTo("1");
        assertThat(StandbyPair.query(servers.primary(),
                "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical'"))
                .as("no logical slot on the primary").isEqualTo("0");
    }

    private static ItemsView open(long tenant) {
        ItemsView view = new ItemsView(env.liveSync, tenant, env::load);
        UI.getCurrent().add(view);
        return view;
    }
}
