package org.vaadin.addons.livesync;

import java.io.Serializable;

import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

import com.vaadin.flow.component.UI;

/** One watched list or bean of a {@link LiveScope}: subscribed while its owner is attached. UI thread only. */
interface Watch extends Serializable {

    /** Registers with the dispatcher for {@code subscriptionValue}, then loads. */
    void attach(Pipeline pipeline, UI ui, Object subscriptionValue);

    /** Unregisters. Idempotent. */
    void detach();

    /** Loads again. */
    void reload();
}
