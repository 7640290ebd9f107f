package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;

/**
 * A subscription key so big that PostgreSQL stores it out of line: an update that leaves it
 * unchanged carries no value for it (REPLICA IDENTITY DEFAULT), so the update's tenant is not
 * known until its row is loaded. The views of other tenants must not hear of that row.
 */
@Timeout(120)
@LivePipelineTest.Pipeline(ToastedKeyTest.WithMemos.class)
class ToastedKeyTest extends LivePipelineTest {

    static final class WithMemos implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment(TestDatabase.get(), "DEFAULT", Memo.TABLES);
        }
    }

    /** 12,000 random hex digits: pglz does not shrink them below the TOAST threshold. */
    private static final String BIG_OWNER = HexFormat.of().formatHex(randomBytes(6_000));

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(17).nextBytes(bytes);
        return bytes;
    }

    private static List<Memo> memos(String owner) {
        return env.sessionFactory.fromSession(s -> s.createSelectionQuery("from Memo where owner = :o order by id",
                Memo.class).setParameter("o", owner).getResultList());
    }

    private static long insertMemo(String owner, String body) {
        try (var c = env.db.connect(); var s = c.prepareStatement(
                "INSERT INTO live_view_test.memo (owner, body) VALUES (?, ?) RETURNING id")) {
            s.setString(1, owner);
            s.setString(2, body);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUpdateBesideABigUnchangedKeyNeverTellsAnotherTenantsListenerItsId() {
        env.db.execute("DELETE FROM live_view_test.memo");
        long bigOwners = insertMemo(BIG_OWNER, "first version");
        Div small = new Div();
        UI.getCurrent().add(small);
        WatchedList<Memo> smallOwners = LiveScope.of(small, "small", env.liveSync).watchList(Memo.class, ToastedKeyTest::memos);
        Div big = new Div();
        UI.getCurrent().add(big);
        WatchedList<Memo> bigOwnersList = LiveScope.of(big, BIG_OWNER, env.liveSync).watchList(Memo.class, ToastedKeyTest::memos);
        List<ListChange<Memo>> heard = new ArrayList<>();
        smallOwners.addChangeListener(heard::add);
        env.quiesce();

        env.db.execute("UPDATE live_view_test.memo SET body = 'second version' WHERE id = " + bigOwners);
        env.quiesce();

        assertThat(bigOwnersList.items()).extracting(Memo::getBody).as("the big key's own view")
                .containsExactly("second version");
        assertThat(heard.stream().flatMap(change -> change.removedIds().stream()).toList())
                .as("ids the other tenant's listener heard of").doesNotContain(bigOwners);
        assertThat(heard).as("changes the other tenant's listener heard of").isEmpty();
    }
}
