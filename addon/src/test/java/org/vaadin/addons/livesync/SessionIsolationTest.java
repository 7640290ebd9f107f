package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.vaadin.flow.server.VaadinSession;

/**
 * Several sessions and several UIs per tenant, each with its own session lock, delivered to by the
 * real pipeline (REPLICA IDENTITY DEFAULT): nothing crosses tenants, and detaching removes every
 * registration.
 */
@Timeout(120)
class SessionIsolationTest extends LivePipelineTest {

    @Test
    void twoTenantsInSeveralSessionsAndUisNeverSeeEachOthersRows() {
        List<ItemsView> acme = new ArrayList<>();
        List<ItemsView> globex = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            ItemsView first = TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, 1L, env::load));
            acme.add(first);
            VaadinSession session = first.getUI().orElseThrow().getSession();
            acme.add(TestSessions.openInSession(session, () -> new ItemsView(env.liveSync, 1L, env::load)));
            globex.add(TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, 2L, env::load)));
        }

        long acmeRow = env.insert(1, "acme only");
        long globexRow = env.insert(2, "globex only");
        long mover = env.insert(1, "moves to globex");
        env.db.execute("UPDATE live_view_test.item SET title = 'acme renamed' WHERE id = " + acmeRow,
                "UPDATE live_view_test.item SET tenant = 2 WHERE id = " + mover,
                "DELETE FROM live_view_test.item WHERE id = " + globexRow);

        await().atMost(LiveTestEnvironment.WAIT).until(() ->
                acme.stream().allMatch(v -> locked(v, () -> v.titles().equals(List.of("acme renamed"))))
                        && globex.stream().allMatch(v -> locked(v, () -> v.titles().equals(List.of("moves to globex")))));
        env.quiesce();
        for (ItemsView view : acme) {
            assertThat(locked(view, () -> view.list.items().stream().allMatch(i -> i.getTenant() == 1L))).isTrue();
        }
        for (ItemsView view : globex) {
            assertThat(locked(view, () -> view.list.items().stream().allMatch(i -> i.getTenant() == 2L))).isTrue();
        }
    }

    @Test
    void closingEverySessionsUiReturnsTheRegistrationsToZero() {
        int before = env.liveSync.metrics().registrations();
        List<ItemsView> views = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long tenant = i % 2;
            views.add(TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, tenant, env::load)));
        }
        assertThat(env.liveSync.metrics().registrations()).isEqualTo(before + 20);

        views.forEach(TestSessions::close);

        assertThat(env.liveSync.metrics().registrations()).isEqualTo(before);
        assertThat(env.liveSync.metrics().uis()).isZero();
    }

    private static boolean locked(ItemsView view, java.util.function.BooleanSupplier check) {
        return TestSessions.read(view, check::getAsBoolean);
    }
}
