package org.vaadin.addons.livesync;

import java.io.Serializable;

import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

import com.vaadin.flow.component.UI;

/**
 * One watched list or bean of a {@link LiveScope}: subscribed while its owner is attached. The
 * scope drives it through these package-private methods, so they stay out of the public API. UI
 * thread only.
 */
abstract class Watch implements Serializable {

    Watch() {
    }

    /** Registers with the dispatcher for {@code subscriptionValue}, then loads. */
    abstract void attach(Pipeline pipeline, UI ui, Object subscriptionValue);

    /** Unregisters. Idempotent. */
    abstract void detach();

    /** Loads again. */
    abstract void reload();
}
