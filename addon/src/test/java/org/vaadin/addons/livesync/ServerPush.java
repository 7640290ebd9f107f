package org.vaadin.addons.livesync;

import java.util.concurrent.atomic.AtomicLong;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.communication.PushConnection;
import com.vaadin.flow.server.communication.UidlWriter;
import com.vaadin.flow.shared.communication.PushMode;

/**
 * Automatic push as a server does it, without the socket: when the session lock is released after
 * a {@code UI.access} or a request, Vaadin calls {@link #push()}, which writes the UIDL as the
 * websocket connection would — including what runs before a response, such as a lazy Grid's data
 * communicator fetching its count and range. For a UI in a {@link TestSessions} session (a lock of
 * its own, free between requests), so that pushes run on the thread that releases the lock, as on
 * a server. Used on the thread that holds the UI's session lock, like every push connection.
 */
final class ServerPush implements PushConnection {

    private final UI ui;
    private final AtomicLong pushes = new AtomicLong();

    private ServerPush(UI ui) {
        this.ui = ui;
    }

    /** Turns on automatic push for {@code ui} through a connection of this kind; holding the session lock. */
    static ServerPush enable(UI ui) {
        ServerPush push = new ServerPush(ui);
        ui.getPushConfiguration().setPushMode(PushMode.AUTOMATIC);
        ui.getInternals().setPushConnection(push);
        return push;
    }

    /** {@return how many pushes were written} */
    long pushes() {
        return pushes.get();
    }

    @Override
    public void push() {
        new UidlWriter().createUidl(ui, true);
        pushes.incrementAndGet();
    }

    @Override
    public void disconnect() {
        // nothing to close
    }

    @Override
    public boolean isConnected() {
        return true;
    }
}
