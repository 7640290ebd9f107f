package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

/** Tests of other packages reach LiveSync's engine through this (test sources only). */
public final class TestAccess {

    private TestAccess() {
    }

    /** The engine behind {@code liveSync}. */
    public static Pipeline pipeline(LiveSync liveSync) {
        return liveSync.pipeline();
    }
}
