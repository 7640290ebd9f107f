package org.vaadin.addons.livesync.view;

import org.junit.jupiter.api.BeforeAll;

/** Every {@link LiveSyncViewTest} scenario again with REPLICA IDENTITY FULL (old keys in the WAL). */
class LiveSyncViewFullIdentityTest extends LiveSyncViewTest {

    @BeforeAll
    static void startPipeline() {
        env = new LiveTestEnvironment("FULL");
    }
}
