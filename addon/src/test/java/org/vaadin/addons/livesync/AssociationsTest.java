package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.hibernate.Hibernate;
import org.hibernate.LazyInitializationException;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.vaadin.flow.component.UI;

/**
 * What a delivered entity's associations are, on the real pipeline with views in sessions of their
 * own: every view gets its own copy of the loaded graph (EAGER associations, associations listed in
 * {@code @Watched(fetch)}, collections), nothing of it is shared with another view or tenant, and
 * what was not loaded behaves as in a detached entity.
 */
@Timeout(120)
@LivePipelineTest.Pipeline(AssociationsTest.WithParts.class)
class AssociationsTest extends LivePipelineTest {

    static final class WithParts implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment(TestDatabase.get(), "DEFAULT", Part.TABLES);
        }
    }

    private static final long FASTENERS = 1;
    private static final long ACME_WORKS = 1;
    private static final long GLOBEX_SUPPLY = 2;

    private final List<PartsView> opened = new ArrayList<>();

    @AfterEach
    void closeViews() {
        opened.forEach(TestSessions::close);
    }

    @BeforeEach
    void someCategoriesAndMakers() {
        env.db.execute("DELETE FROM live_view_test.part_tag", "UPDATE live_view_test.part SET parent_id = NULL",
                "DELETE FROM live_view_test.part", "DELETE FROM live_view_test.category",
                "DELETE FROM live_view_test.maker",
                "INSERT INTO live_view_test.category VALUES (" + FASTENERS + ", 'fasteners')",
                "INSERT INTO live_view_test.maker VALUES (" + ACME_WORKS + ", 'Acme Works'), (" + GLOBEX_SUPPLY
                        + ", 'Globex Supply')");
    }

    @Test
    void twoTenantsRowsSharingAnAssociatedEntityGetPrivateCopies() {
        PartsView acme = openInNewSession(1);
        PartsView globex = openInNewSession(2);

        // one transaction: both rows come from one load, which holds one Category instance for both
        inTransaction("INSERT INTO live_view_test.part (tenant, title, category_id, supplier_id) VALUES"
                        + " (1, 'acme bolt', " + FASTENERS + ", " + GLOBEX_SUPPLY + "),"
                        + " (2, 'globex bolt', " + FASTENERS + ", " + GLOBEX_SUPPLY + ")",
                "INSERT INTO live_view_test.part_tag SELECT id, 'm8' FROM live_view_test.part");
        Part a = delivered(acme, "acme bolt");
        Part g = delivered(globex, "globex bolt");

        assertPrivate(a, g);
        a.getCategory().setName("renamed in acme's session");
        a.getTags().add("acme's tag");
        assertThat(g.getCategory().getName()).isEqualTo("fasteners");
        assertThat(g.getTags()).containsExactly("m8");
    }

    @Test
    void twoViewsOfOneTenantGetPrivateCopiesOfTheSameRowsAssociations() {
        PartsView first = openInNewSession(1);
        PartsView second = openInNewSession(1);

        inTransaction("INSERT INTO live_view_test.part (tenant, title, category_id, supplier_id) VALUES"
                        + " (1, 'bolt', " + FASTENERS + ", " + GLOBEX_SUPPLY + ")",
                "INSERT INTO live_view_test.part_tag SELECT id, 'm8' FROM live_view_test.part");

        assertPrivate(delivered(first, "bolt"), delivered(second, "bolt"));
    }

    @Test
    void aLazyAssociationOfADeliveredRowBehavesAsADetachedOne() {
        PartsView view = openInNewSession(1);
        long id = insert(1, "bolt", GLOBEX_SUPPLY);
        Part detached = env.sessionFactory.fromSession(s -> s.find(Part.class, id));

        Part part = delivered(view, "bolt");

        for (Part p : List.of(detached, part)) {
            assertThat(Hibernate.isInitialized(p.getSupplier())).as("supplier of " + p).isFalse();
            assertThat(p.getSupplier().getId()).isEqualTo(GLOBEX_SUPPLY);
            assertThatThrownBy(() -> p.getSupplier().getName()).isInstanceOf(LazyInitializationException.class);
            assertThat(Hibernate.isInitialized(p.getCategory().getParts())).isFalse();
            assertThatThrownBy(() -> p.getCategory().getParts().size())
                    .isInstanceOf(LazyInitializationException.class);
        }
    }

    @Test
    void associationsListedInFetchAreLoadedWithOneQueryPerTransaction() {
        long parent = insert(1, "frame", null);
        insert(1, "left wheel", null);
        insert(1, "right wheel", null);
        env.db.execute("UPDATE live_view_test.part SET parent_id = " + parent + " WHERE title LIKE '%wheel'",
                "UPDATE live_view_test.part SET maker_id = " + ACME_WORKS);
        PartsView view = openInNewSession(1);
        env.quiesce();
        Statistics statistics = env.sessionFactory.getStatistics();
        long statementsBefore = statistics.getPrepareStatementCount();
        long fetchesBefore = env.liveSync.metrics().rowQueries();

        inTransaction("UPDATE live_view_test.part SET title = 'the frame' WHERE id = " + parent,
                "UPDATE live_view_test.part SET title = 'the left wheel', maker_id = " + GLOBEX_SUPPLY
                        + " WHERE title = 'left wheel'",
                "INSERT INTO live_view_test.part (tenant, title, maker_id) VALUES (1, 'bell', " + ACME_WORKS + ")");
        Part frame = delivered(view, "the frame");
        Part wheel = delivered(view, "the left wheel");
        Part bell = delivered(view, "bell");
        env.quiesce();
        long statements = statistics.getPrepareStatementCount() - statementsBefore;
        long fetches = env.liveSync.metrics().rowQueries() - fetchesBefore;
        System.out.printf("fetch of 3 changed rows with maker and children: %d load(s), %d SQL statement(s)%n",
                fetches, statements);

        assertThat(Hibernate.isInitialized(frame.getMaker())).isTrue();
        assertThat(frame.getMaker().getName()).isEqualTo("Acme Works");
        assertThat(wheel.getMaker().getName()).isEqualTo("Globex Supply");
        assertThat(bell.getMaker().getName()).isEqualTo("Acme Works");
        assertThat(Hibernate.isInitialized(frame.getChildren())).isTrue();
        assertThat(frame.getChildren()).extracting(Part::getTitle)
                .containsExactlyInAnyOrder("the left wheel", "right wheel");
        assertThat(fetches).isEqualTo(1);
        assertThat(statements).isEqualTo(1);
    }

    @Test
    void aChangedRowThatAnotherChangedRowReferencesLazilyIsDeliveredWithItsValues() {
        long parent = insert(1, "frame", null);
        long child = insert(1, "wheel", null);
        env.db.execute("UPDATE live_view_test.part SET parent_id = " + parent + " WHERE id = " + child);
        PartsView view = openInNewSession(1);

        // one load holds both rows, the frame also as the wheel's lazy parent (a proxy)
        inTransaction("UPDATE live_view_test.part SET title = 'the wheel' WHERE id = " + child,
                "UPDATE live_view_test.part SET title = 'the frame' WHERE id = " + parent);

        Part frame = delivered(view, "the frame");
        assertThat(frame.getTenant()).isEqualTo(1L);
        assertThat(delivered(view, "the wheel").getParent().getId()).isEqualTo(parent);
    }

    @Test
    void associationsListedInFetchAreLoadedForAnEntityWatchedByAnIdThatIsNotItsPrimaryKey() {
        long id = insert(1, "bolt", null);
        env.db.execute("UPDATE live_view_test.part SET code = 'B-1', maker_id = " + ACME_WORKS + " WHERE id = " + id);

        PartByCode part = env.liveSync.pipeline().find(env.liveSync.pipeline().entity(PartByCode.class), "B-1", 1L);

        assertThat(part.getCode()).isEqualTo("B-1");
        assertThat(Hibernate.isInitialized(part.getMaker())).isTrue();
        assertThat(part.getMaker().getName()).isEqualTo("Acme Works");
    }

    @Test
    void aCycleInTheLoadedGraphIsCopiedAsOneCycle() {
        long parent = insert(1, "frame", null);
        insert(1, "wheel", null);
        env.db.execute("UPDATE live_view_test.part SET parent_id = " + parent + " WHERE title = 'wheel'");
        PartsView first = openInNewSession(1);
        PartsView second = openInNewSession(1);

        env.db.execute("UPDATE live_view_test.part SET title = 'the frame' WHERE id = " + parent);
        Part frame = delivered(first, "the frame");
        Part other = delivered(second, "the frame");

        // frame → children → wheel → parent → frame: one copy of each, pointing at each other
        Part wheel = frame.getChildren().iterator().next();
        assertThat(wheel.getParent()).isSameAs(frame);
        assertThat(other.getChildren().iterator().next()).isNotSameAs(wheel);
        assertThat(other.getChildren().iterator().next().getParent()).isSameAs(other);
    }

    @Test
    void aFormBeanWithAnUnloadedLazyAssociationKeepsItsForeignKeysWhenMerged() {
        long id = insert(1, "bolt", GLOBEX_SUPPLY);
        env.db.execute("UPDATE live_view_test.part SET maker_id = " + ACME_WORKS + " WHERE id = " + id,
                "INSERT INTO live_view_test.part_tag VALUES (" + id + ", 'm8')");
        PartsView view = new PartsView(env.liveSync, 1L, AssociationsTest::load);
        UI.getCurrent().add(view);
        assertThat(view.form.show(id)).isTrue();
        assertThat(Hibernate.isInitialized(view.form.bean().getSupplier())).isFalse();

        view.title.setValue("renamed bolt");
        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED); // the add-on merges the bean

        assertThat(row(id)).isEqualTo(Map.of("title", "renamed bolt", "category_id", FASTENERS,
                "maker_id", ACME_WORKS, "supplier_id", GLOBEX_SUPPLY, "tags", "m8"));
    }

    /** Both parts and everything they reach are distinct objects with equal content. */
    private static void assertPrivate(Part a, Part b) {
        assertThat(a).isNotSameAs(b);
        assertThat(a.getCategory()).isNotSameAs(b.getCategory());
        assertThat(a.getCategory().getName()).isEqualTo(b.getCategory().getName()).isEqualTo("fasteners");
        assertThat(a.getCategory().getParts()).isNotSameAs(b.getCategory().getParts());
        assertThat(a.getSupplier()).isNotSameAs(b.getSupplier());
        assertThat(a.getSupplier().getId()).isEqualTo(b.getSupplier().getId()).isEqualTo(GLOBEX_SUPPLY);
        assertThat(a.getTags()).isNotSameAs(b.getTags()).isEqualTo(b.getTags()).containsExactly("m8");
        assertThat(a.getChildren()).isNotSameAs(b.getChildren());
    }

    /** The part with this title once the view shows it. */
    private static Part delivered(PartsView view, String title) {
        await().atMost(LiveTestEnvironment.WAIT).until(() -> read(view, () -> view.part(title)) != null);
        return read(view, () -> view.part(title));
    }

    private static <T> T read(PartsView view, Supplier<T> reader) {
        return TestSessions.read(view, reader);
    }

    /** A view of the tenant in a session of its own, closed after the test. */
    private PartsView openInNewSession(long tenant) {
        PartsView view = TestSessions.openInNewSession(() -> new PartsView(env.liveSync, tenant, AssociationsTest::load));
        opened.add(view);
        return view;
    }

    static List<Part> load(Long tenant) {
        return env.sessionFactory.fromSession(s -> s.createSelectionQuery("from Part where tenant = :t order by id",
                Part.class).setParameter("t", tenant).getResultList());
    }

    private static long insert(long tenant, String title, Long supplier) {
        try (Connection c = env.db.connect(); var s = c.prepareStatement("INSERT INTO live_view_test.part"
                + " (tenant, title, category_id, supplier_id) VALUES (?, ?, ?, ?) RETURNING id")) {
            s.setLong(1, tenant);
            s.setString(2, title);
            s.setLong(3, FASTENERS);
            s.setObject(4, supplier);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void inTransaction(String... sql) {
        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String statement : sql) {
                s.execute(statement);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> row(long id) {
        try (Connection c = env.db.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(
                "SELECT title, category_id, maker_id, supplier_id, (SELECT string_agg(tag, ',') FROM"
                        + " live_view_test.part_tag WHERE part_id = p.id) AS tags FROM live_view_test.part p"
                        + " WHERE id = " + id)) {
            rs.next();
            return Map.of("title", rs.getString(1), "category_id", rs.getLong(2), "maker_id", rs.getLong(3),
                    "supplier_id", rs.getLong(4), "tags", rs.getString(5));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
