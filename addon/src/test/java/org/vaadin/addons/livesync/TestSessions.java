package org.vaadin.addons.livesync;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.internal.CurrentInstance;

/**
 * Real Vaadin sessions and UIs beside Karibu's own, as a server holds them between requests: each
 * session has its own lock, not held by any thread, so {@code UI.access} from the delivery thread
 * runs at once on that thread, exactly as on a server. Needs {@code MockVaadin.setup()} first (for
 * the service and a request to initialise UIs with).
 */
public final class TestSessions {

    private static final AtomicInteger UI_IDS = new AtomicInteger(1000);

    private TestSessions() {
    }

    /** A session of its own with one UI showing the component that {@code view} creates. */
    public static <C extends Component> C openInNewSession(Supplier<C> view) {
        TestSession session = new TestSession(VaadinService.getCurrent());
        return openInSession(session, view);
    }

    /** Another UI in an existing session. */
    public static <C extends Component> C openInSession(VaadinSession session, Supplier<C> view) {
        session.lock();
        try {
            UI ui = new UI();
            ui.getInternals().setSession(session);
            ui.doInit(VaadinRequest.getCurrent(), UI_IDS.incrementAndGet(), "ROOT");
            session.addUI(ui);
            // built as on a server: with its own session and UI current (components bind to the session)
            var previous = CurrentInstance.setCurrent(ui);
            try {
                C component = view.get();
                ui.add(component);
                return component;
            } finally {
                CurrentInstance.restoreInstances(previous);
            }
        } finally {
            session.unlock();
        }
    }

    /** Runs {@code action} holding the session's lock (and with it current), as a request would. */
    public static void withLock(VaadinSession session, Runnable action) {
        session.lock();
        var previous = CurrentInstance.setCurrent(session);
        try {
            action.run();
        } finally {
            CurrentInstance.restoreInstances(previous);
            session.unlock();
        }
    }

    /** Reads view state holding its session's lock, as the UI thread would. */
    public static <T> T read(Component component, Supplier<T> reader) {
        VaadinSession session = component.getUI().orElseThrow().getSession();
        Object[] result = new Object[1];
        withLock(session, () -> result[0] = reader.get());
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /** Detaches every UI of the component's session, as closing the browser tab would after a heartbeat timeout. */
    public static void close(Component component) {
        UI ui = component.getUI().orElseThrow();
        VaadinSession session = ui.getSession();
        withLock(session, () -> {
            var previous = CurrentInstance.setCurrent(ui);
            try {
                session.removeUI(ui);
            } finally {
                CurrentInstance.restoreInstances(previous);
            }
        });
    }

    /**
     * What a browser's round trip does to the component's UI, holding its session's lock: pending
     * {@code UI.access} tasks run, then everything that runs before a response (e.g. a Grid's data
     * communicator fetching its range).
     */
    public static void roundtrip(Component component) {
        UI ui = component.getUI().orElseThrow();
        VaadinSession session = ui.getSession();
        withLock(session, () -> {
            var previous = CurrentInstance.setCurrent(ui);
            try {
                session.getService().runPendingAccessTasks(session);
                ui.getInternals().getStateTree().runExecutionsBeforeClientResponse();
                ui.getInternals().getStateTree().collectChanges(change -> { });
            } finally {
                CurrentInstance.restoreInstances(previous);
            }
        });
    }

    /** A session with a lock of its own (a server keeps it in the HTTP session). */
    public static final class TestSession extends VaadinSession {
        private transient ReentrantLock lock = new ReentrantLock();

        TestSession(VaadinService service) {
            super(service);
        }

        @Override
        public Lock getLockInstance() {
            return ownLock();
        }

        @Override
        public boolean hasLock() {
            return ownLock().isHeldByCurrentThread();
        }

        private ReentrantLock ownLock() {
            if (lock == null) { // deserialized: a lock of its own again
                lock = new ReentrantLock();
            }
            return lock;
        }

        /** The session is closed (as after an invalidation) without its UIs being detached. */
        public void closeWithoutDetach() {
            withLock(this, () -> {
                setState(com.vaadin.flow.server.VaadinSessionState.CLOSING);
                setState(com.vaadin.flow.server.VaadinSessionState.CLOSED);
            });
        }
    }
}
