package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.internal.capture.ReplicationListener;

/** Where a {@link ReplicationListener} is in its life. An enum: thread-safe. */
public enum CaptureState {
    /** Created, not started. */
    NEW,
    /** Started, connecting for the first time. */
    STARTING,
    /** Reading the stream; changes flow. */
    STREAMING,
    /** The stream broke; waiting to reconnect. */
    RECONNECTING,
    /** The database is not ready (see the preflight problems); retrying with backoff. */
    NOT_READY,
    /** Stopped for good. */
    STOPPED
}
