package org.vaadin.addons.livesync.view;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinService;

/**
 * Base of the view tests: one real pipeline ({@link LiveTestEnvironment}, REPLICA IDENTITY DEFAULT;
 * a subclass may hide {@link #startPipeline()} to choose another) per test class, and per test an
 * empty table, a fresh Karibu UI with the pipeline installed, and a quiet pipeline.
 */
abstract class LivePipelineTest {

    static LiveTestEnvironment env;

    @BeforeAll
    static void startPipeline() {
        env = new LiveTestEnvironment("DEFAULT");
    }

    @AfterAll
    static void stopPipeline() {
        env.close();
    }

    @BeforeEach
    void setUpVaadin() {
        env.db.execute("DELETE FROM live_view_test.item", "DELETE FROM live_view_test.gadget");
        MockVaadin.setup();
        env.liveSync.install(VaadinService.getCurrent().getContext());
        env.quiesce();
    }

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
    }

    /** A test view of the tenant, attached to Karibu's UI. */
    static ItemsView open(long tenant) {
        ItemsView view = new ItemsView(env.liveSync, tenant, env::load);
        UI.getCurrent().add(view);
        return view;
    }
}
