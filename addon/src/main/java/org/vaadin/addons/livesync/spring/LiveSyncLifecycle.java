package org.vaadin.addons.livesync.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.LiveSync;

/**
 * Starts {@link LiveSync} when the application context has started (after the web server, in the
 * default phase) and stops it first when the context stops. Starting returns at once: connecting
 * happens in the background, so an application whose database is not ready still starts and serves;
 * LiveSync logs what is wrong and keeps retrying. Stopping is idempotent.
 * <p>
 * Thread-safe.
 */
final class LiveSyncLifecycle implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSyncLifecycle.class);

    private final LiveSync liveSync;
    private boolean running;
    private boolean stopped;

    LiveSyncLifecycle(LiveSync liveSync) {
        this.liveSync = liveSync;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (stopped) {
            // A LiveSync reads once: its replication listener cannot start again after stop().
            LOG.warn("LiveSync was stopped with the application context and cannot start again in this context; "
                    + "views stay loaded but receive no live changes until the application restarts");
            return;
        }
        if (liveSync.liveState().status() == CaptureState.NEW) {
            liveSync.start();
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        stopped = true;
        liveSync.stop();
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }
}
