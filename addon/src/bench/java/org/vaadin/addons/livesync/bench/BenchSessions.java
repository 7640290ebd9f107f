package org.vaadin.addons.livesync.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.internal.CurrentInstance;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;

/**
 * Real Vaadin sessions and UIs as a server holds them between requests (a copy of the add-on
 * tests' {@code TestSessions}, which is package-private there): each session has its own lock, not
 * held by any thread, so {@code UI.access} from LiveSync's delivery thread runs at once on that
 * thread, exactly as on a server. Needs {@code MockVaadin.setup()} first, on the calling thread.
 */
final class BenchSessions {

    private static final AtomicInteger UI_IDS = new AtomicInteger(1000);

    private BenchSessions() {
    }

    /** A session of its own with one UI showing the component that {@code view} creates. */
    static <C extends Component> C openInNewSession(Supplier<C> view) {
        BenchSession session = new BenchSession(VaadinService.getCurrent());
        session.lock();
        try {
            UI ui = new UI();
            ui.getInternals().setSession(session);
            ui.doInit(VaadinRequest.getCurrent(), UI_IDS.incrementAndGet(), "ROOT");
            session.addUI(ui);
            C component = view.get();
            ui.add(component);
            return component;
        } finally {
            session.unlock();
        }
    }

    /** Detaches the component's UI, as closing the browser tab would after a heartbeat timeout. */
    static void close(Component component) {
        UI ui = component.getUI().orElseThrow();
        VaadinSession session = ui.getSession();
        session.lock();
        try {
            var previous = CurrentInstance.setCurrent(ui);
            try {
                session.removeUI(ui);
            } finally {
                CurrentInstance.restoreInstances(previous);
            }
        } finally {
            session.unlock();
        }
    }

    /** A session with a lock of its own (a server keeps it in the HTTP session). */
    static final class BenchSession extends VaadinSession {
        private final transient ReentrantLock lock = new ReentrantLock();

        BenchSession(VaadinService service) {
            super(service);
        }

        @Override
        public Lock getLockInstance() {
            return lock;
        }

        @Override
        public boolean hasLock() {
            return lock.isHeldByCurrentThread();
        }
    }
}
