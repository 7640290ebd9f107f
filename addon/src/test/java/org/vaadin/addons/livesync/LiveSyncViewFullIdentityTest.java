package org.vaadin.addons.livesync;

import java.util.function.Supplier;

/** Every {@link LiveSyncViewTest} scenario again with REPLICA IDENTITY FULL (old keys in the WAL). */
@LivePipelineTest.Pipeline(LiveSyncViewFullIdentityTest.FullIdentity.class)
class LiveSyncViewFullIdentityTest extends LiveSyncViewTest {

    static final class FullIdentity implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment("FULL");
        }
    }
}
