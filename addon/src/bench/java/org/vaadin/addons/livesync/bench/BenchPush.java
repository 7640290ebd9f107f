package org.vaadin.addons.livesync.bench;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicLong;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.provider.DataCommunicator;
import com.vaadin.flow.server.communication.PushConnection;
import com.vaadin.flow.server.communication.UidlWriter;
import com.vaadin.flow.shared.communication.PushMode;

/**
 * What a server does when a UI with {@code @Push} changes outside a request, without the socket:
 * {@link #enable} turns on automatic push for a UI and gives it this connection, so that when
 * the session lock is released after a {@code UI.access} (or a request) Vaadin calls
 * {@link #push()}, which writes the response as the Atmosphere connection would — the UIDL,
 * including the data communicators' flush (a lazy Grid fetches its range there) — and turns it
 * into the JSON text that would go over the websocket. Then {@code afterPush} runs (on the same
 * thread, session still locked). The "client" confirms the data communicator's updates as the
 * browser's Grid connector does, so that Vaadin releases the items of replaced ranges; the
 * confirmations ride on the next push (a browser sends them in a request of their own, handled
 * on a server thread), so memory stays bounded and no extra response is written.
 * <p>
 * Used on the thread that holds the UI's session lock, like every push connection.
 */
final class BenchPush implements PushConnection {

    private static final Field NEXT_UPDATE_ID;

    static {
        try {
            NEXT_UPDATE_ID = DataCommunicator.class.getDeclaredField("nextUpdateId");
            NEXT_UPDATE_ID.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DataCommunicator.nextUpdateId not found: " + e);
        }
    }

    /** Characters of UIDL written by all bench pushes: what would have gone over the websockets. */
    static final AtomicLong CHARS = new AtomicLong();

    private final UI ui;
    private final DataCommunicator<?> communicator;
    private final Runnable afterPush;
    private int confirmed;

    private BenchPush(UI ui, DataCommunicator<?> communicator, Runnable afterPush) {
        this.ui = ui;
        this.communicator = communicator;
        this.afterPush = afterPush;
    }

    /**
     * Automatic push for {@code ui} through a bench connection; {@code afterPush} runs after each
     * push. Call holding the session lock, with the UI attached.
     */
    static void enable(UI ui, DataCommunicator<?> communicator, Runnable afterPush) {
        ui.getPushConfiguration().setPushMode(PushMode.AUTOMATIC);
        ui.getInternals().setPushConnection(new BenchPush(ui, communicator, afterPush));
    }

    @Override
    public void push() {
        confirmUpdates();
        CHARS.addAndGet(new UidlWriter().createUidl(ui, true).toString().length());
        afterPush.run();
    }

    /** The client's {@code confirmUpdate} calls for the updates it was sent so far. */
    private void confirmUpdates() {
        int next;
        try {
            next = NEXT_UPDATE_ID.getInt(communicator);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        for (int id = confirmed; id < next; id++) {
            communicator.confirmUpdate(id);
        }
        confirmed = next;
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
