package org.vaadin.addons.livesync;

import java.io.Serializable;


import com.vaadin.flow.component.UI;

/** One watched list or bean of a view: subscribed while the view is attached. UI thread only. */
interface Watch extends Serializable {

    /** Registers with the dispatcher, then loads. */
    void attach(LiveSync liveSync, UI ui, Object subscriptionValue);

    /** Unregisters. Idempotent. */
    void detach();

    /** Loads again through the loader. */
    void reload();
}
