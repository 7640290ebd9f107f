package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;

/**
 * A session holding live views survives a serialization round trip (session persistence, session
 * replication): at its next request its views register again, load again, and are live.
 */
@Timeout(120)
class SessionSerializationTest extends LivePipelineTest {

    /** A live view whose loaders and listeners are serializable, as a session's state must be. */
    static final class TenantView extends LiveSyncView<Long, VerticalLayout> {
        final Grid<Item> grid = new Grid<>();
        final TextField title = new TextField();
        final WatchedList<Item> list;
        final WatchedBean<Item> form;
        /** Effects on the list's and the bean's signals, which serialize with the session. */
        final com.vaadin.flow.component.html.Span count = new com.vaadin.flow.component.html.Span();
        final com.vaadin.flow.component.html.Span header = new com.vaadin.flow.component.html.Span();

        TenantView(Long tenant) {
            super(env.liveSync, tenant);
            grid.addColumn(Item::getTitle);
            Binder<Item> binder = new Binder<>(Item.class);
            binder.forField(title).bind(Item::getTitle, Item::setTitle);
            list = watchList(Item.class, grid, SessionSerializationTest::load);
            form = watchBean(Item.class, binder);
            com.vaadin.flow.component.html.Span state = new com.vaadin.flow.component.html.Span();
            // the live state as the demo's indicator shows it: an effect on the state signal
            com.vaadin.flow.signals.Signal.effect(state, () -> state.setText(env.liveSync.stateSignal().get().status().name()));
            com.vaadin.flow.signals.Signal.effect(count, () -> count.setText(String.valueOf(list.signal().get().size())));
            com.vaadin.flow.signals.Signal.effect(header, () -> {
                Item shown = form.signal().get();
                header.setText(shown == null ? "" : shown.getTitle());
            });
            getContent().add(grid, title, state, count, header);
        }

        List<String> titles() {
            return list.items().stream().map(Item::getTitle).toList();
        }
    }

    static List<Item> load(Long tenant) {
        return env.load(tenant);
    }

    @Test
    void viewsOfADeserializedSessionAreLiveAgainAfterItsNextRequest() throws Exception {
        // outside production mode Vaadin serializes a session's UIs only when asked to
        System.setProperty("vaadin.devmode.sessionSerialization.enabled", "true");
        try {
            com.github.mvysny.kaributesting.v10.MockVaadin.tearDown();
            com.github.mvysny.kaributesting.v10.MockVaadin.setup();
            env.liveSync.install(VaadinService.getCurrent().getContext());
            roundTrip();
        } finally {
            System.clearProperty("vaadin.devmode.sessionSerialization.enabled");
        }
    }

    private void roundTrip() throws Exception {
        long shown = env.insert(1, "in the form");
        TenantView original = TestSessions.openInNewSession(() -> new TenantView(1L));
        TestSessions.withLock(original.getUI().orElseThrow().getSession(), () -> original.form.show(shown));
        VaadinSession session = original.getUI().orElseThrow().getSession();
        int registrations = env.liveSync.metrics().registrations();

        byte[] bytes = TestSessions.read(original, () -> serialize(session));
        TestSessions.close(original); // the old node is gone; only the serialized session remains
        VaadinSession restored = deserialize(bytes);
        ContainerSession container = new ContainerSession();
        container.lock.lock(); // Vaadin refreshes a restored session's transients holding its lock
        try {
            restored.refreshTransients(container, VaadinService.getCurrent());
        } finally {
            container.lock.unlock();
        }
        TenantView[] found = new TenantView[1];
        TestSessions.withLock(restored, () -> found[0] = restored.getUIs().iterator().next().getChildren()
                .map(TenantView.class::cast).findFirst().orElseThrow());
        TenantView view = found[0];
        env.insert(1, "while serialized");

        LiveSync.revive(restored); // what the request handler LiveSync.install(event) adds does at its next request
        assertThat(env.liveSync.metrics().registrations()).isEqualTo(registrations);
        assertThat(TestSessions.read(view, view::titles)).containsExactlyInAnyOrder("in the form", "while serialized");

        env.insert(1, "after the round trip");
        env.db.execute("UPDATE live_view_test.item SET title = 'form changed' WHERE id = " + shown);
        await().atMost(LiveTestEnvironment.WAIT).until(() -> TestSessions.read(view,
                () -> view.titles().contains("after the round trip") && "form changed".equals(view.title.getValue())
                        && "3".equals(view.count.getText()) && "form changed".equals(view.header.getText())));
        LiveSync.revive(restored); // once only
        assertThat(env.liveSync.metrics().registrations()).isEqualTo(registrations);
        TestSessions.close(view);
    }

    /** The servlet container's session the restored Vaadin session lives in. */
    static final class ContainerSession implements com.vaadin.flow.server.WrappedSession {
        private final java.util.Map<String, Object> attributes = new java.util.HashMap<>();
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

        @Override
        public int getMaxInactiveInterval() {
            return 1800;
        }

        @Override
        public Object getAttribute(String name) {
            // Vaadin keeps its session lock in the container's session ("<service name>.lock")
            return name.endsWith(".lock") ? lock : attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public java.util.Set<String> getAttributeNames() {
            return attributes.keySet();
        }

        @Override
        public void invalidate() {
            attributes.clear();
        }

        @Override
        public String getId() {
            return "restored";
        }

        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public boolean isNew() {
            return false;
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
        }
    }

    private static byte[] serialize(Object object) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
            out.flush();
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The session does not serialize: " + e, e);
        }
    }

    private static VaadinSession deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (VaadinSession) in.readObject();
        }
    }
}
