package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.CaptureState;


/** Bad input at the view level: NULL keys, very large rows, and the key column renamed under a running app. */
@Timeout(120)
class ViewBadInputTest extends LivePipelineTest {

    @Test
    void rowWithANullSubscriptionKeyReachesNoViewUntilItGetsOne() {
        ItemsView acme = open(1);
        ItemsView globex = open(2);

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) VALUES (NULL, 'orphan')");
        env.quiesce();
        assertThat(acme.titles()).isEmpty();
        assertThat(globex.titles()).isEmpty();

        env.db.execute("UPDATE live_view_test.item SET tenant = 1 WHERE title = 'orphan'");
        awaitUi(() -> acme.titles().equals(List.of("orphan")));
        env.db.execute("UPDATE live_view_test.item SET tenant = NULL WHERE title = 'orphan'");
        awaitUi(() -> acme.titles().isEmpty());
        assertThat(globex.titles()).isEmpty();
    }

    @Test
    void rowLargerThanAMegabyteIsShown() {
        ItemsView view = open(1);

        env.db.execute("INSERT INTO live_view_test.item (tenant, title, notes) "
                + "SELECT 1, 'huge', string_agg(md5(g::text), '') FROM generate_series(1, 50000) g");

        awaitUi(() -> view.titles().equals(List.of("huge")));
        assertThat(view.list.items().get(0).getNotes()).hasSize(1_600_000);
    }

    @Test
    void aRowWrittenWhileItsColumnIsRenamedShowsOnceTheSchemaIsBack() {
        ItemsView view = open(1);
        env.db.execute("ALTER TABLE live_view_test.item RENAME COLUMN tenant TO tenant_id");
        try {
            env.db.execute("INSERT INTO live_view_test.item (tenant_id, title) VALUES (1, 'while renamed')");
            // the row's query is refused (no column tenant): the transaction waits to be tried again
            await().atMost(LiveTestEnvironment.WAIT).until(() -> env.liveSync.metrics().lateTransactions() > 0);
        } finally {
            env.db.execute("ALTER TABLE live_view_test.item RENAME COLUMN tenant_id TO tenant");
        }

        awaitUi(() -> view.titles().equals(List.of("while renamed")));
        assertThat(env.liveSync.metrics().lateTransactions()).isZero();
    }

    @Test
    void keyColumnRenamedUnderTheRunningAppIsLoggedAndLiveSyncRecovers() {
        ItemsView view = open(1);
        env.insert(1, "before");
        awaitUi(() -> view.titles().equals(List.of("before")));

        env.db.execute("ALTER TABLE live_view_test.item RENAME COLUMN tenant TO tenant_id",
                "INSERT INTO live_view_test.item (tenant_id, title) VALUES (1, 'while renamed')",
                "ALTER TABLE live_view_test.item RENAME COLUMN tenant_id TO tenant");
        env.insert(1, "after");

        awaitUi(() -> view.titles().containsAll(List.of("before", "while renamed", "after")));
        assertThat(env.liveSync.liveState().status()).isEqualTo(CaptureState.STREAMING);
    }
}
