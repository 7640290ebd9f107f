package org.vaadin.addons.livesync;

import java.util.function.Supplier;

/** Every {@link EntityEventsTest} scenario again with REPLICA IDENTITY FULL (old keys in the WAL). */
@LivePipelineTest.Pipeline(EntityEventsFullIdentityTest.FullIdentity.class)
class EntityEventsFullIdentityTest extends EntityEventsTest {

    @Override
    boolean fullIdentity() {
        return true;
    }

    static final class FullIdentity implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment("FULL");
        }
    }
}
