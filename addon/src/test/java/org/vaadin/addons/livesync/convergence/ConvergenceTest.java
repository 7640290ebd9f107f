package org.vaadin.addons.livesync.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.testdb.TestDatabase;
import org.vaadin.addons.livesync.TestSessions;

import com.github.mvysny.kaributesting.v10.MockVaadin;

/**
 * Randomized, seeded convergence and isolation: many tenants and views over real Vaadin sessions,
 * writer threads doing random inserts, updates (some only of a large TOASTed column, some moving
 * rows between tenants), deletes, multi-row transactions, rollbacks and the occasional truncate,
 * on a REPLICA IDENTITY DEFAULT and a FULL table, with the walsender killed twice during the load.
 * At quiescence every view must equal a fresh query of its tenant's rows, and no view may ever
 * have been given another tenant's row.
 * <p>
 * Size: {@code -Dlivesync.convergence.tenants=20 -Dlivesync.convergence.views=200
 * -Dlivesync.convergence.ops=3000 -Dlivesync.convergence.seed=...}; the large run is
 * {@code ./mvnw -pl addon verify -Dtest=ConvergenceTest -Dlivesync.convergence.tenants=50
 * -Dlivesync.convergence.views=500 -Dlivesync.convergence.ops=100000}.
 */
@Timeout(3600)
class ConvergenceTest {

    private static final int TENANTS = Integer.getInteger("livesync.convergence.tenants", 20);
    private static final int VIEWS = Integer.getInteger("livesync.convergence.views", 200);
    private static final int OPS = Integer.getInteger("livesync.convergence.ops", 3000);
    private static final int WRITERS = Integer.getInteger("livesync.convergence.writers", 3);
    private static final int KILLS = Integer.getInteger("livesync.convergence.kills", 2);
    private static final long SEED = Long.getLong("livesync.convergence.seed", System.nanoTime());
    private static final String[] TABLES = {"conv_test.row_default", "conv_test.row_full"};

    private final TestDatabase db = TestDatabase.get();
    private final String publication = TestDatabase.uniqueName("conv");
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<Long> deliveries = new ConcurrentLinkedQueue<>();
    private final Set<Long>[] knownIds = newIdSets();
    private SessionFactory sessionFactory;
    private LiveSync liveSync;

    @SuppressWarnings("unchecked")
    private static Set<Long>[] newIdSets() {
        return new Set[] {ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet()};
    }

    @BeforeEach
    void setUp() {
        db.execute("DROP SCHEMA IF EXISTS conv_test CASCADE", "CREATE SCHEMA conv_test");
        for (String table : TABLES) {
            db.execute("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, tenant bigint NOT NULL, title text NOT NULL, notes text)");
        }
        db.execute("ALTER TABLE conv_test.row_full REPLICA IDENTITY FULL",
                "CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", TABLES));
        Properties props = new Properties();
        props.setProperty("hibernate.connection.url", db.jdbcUrl());
        props.setProperty("hibernate.connection.username", db.user());
        props.setProperty("hibernate.connection.password", db.password());
        props.setProperty("hibernate.connection.pool_size", "8");
        sessionFactory = new Configuration().addProperties(props).addAnnotatedClass(DefaultRow.class)
                .addAnnotatedClass(FullRow.class).buildSessionFactory();
        liveSync = LiveSync.create(sessionFactory, CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                .withPublication(publication).withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
        liveSync.start();
        await().atMost(Duration.ofSeconds(30)).until(liveSync::isLive);
        MockVaadin.setup();
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
        liveSync.stop();
        sessionFactory.close();
        db.execute("DROP PUBLICATION IF EXISTS " + publication, "DROP SCHEMA IF EXISTS conv_test CASCADE");
    }

    private List<? extends TenantRow> load(Class<? extends TenantRow> type, Long tenant) {
        return sessionFactory.fromStatelessSession(s -> s.createSelectionQuery(
                "from " + type.getSimpleName() + " where tenant = :t", type).setParameter("t", tenant).getResultList());
    }

    @Test
    void everyViewConvergesToItsTenantsRowsAndNeverSeesAnotherTenantsRow() throws Exception {
        System.out.printf("ConvergenceTest seed %d (-Dlivesync.convergence.seed=%d): %d tenants, %d views, %d ops, %d writers%n",
                SEED, SEED, TENANTS, VIEWS, OPS, WRITERS);
        seed(new Random(SEED));
        List<TenantView> views = new ArrayList<>();
        for (int i = 0; i < VIEWS; i++) {
            long tenant = i % TENANTS;
            views.add(TestSessions.openInNewSession(
                    () -> new TenantView(liveSync, tenant, this::load, violations, deliveries)));
        }
        List<LazyTenantView> lazyViews = new ArrayList<>();
        for (int i = 0; i < VIEWS / 4; i++) {
            long tenant = i % TENANTS;
            LazyTenantView lazy = TestSessions.openInNewSession(() -> new LazyTenantView(liveSync, tenant, sessionFactory));
            TestSessions.roundtrip(lazy); // the first page, as the browser asks for it
            lazyViews.add(lazy);
        }

        AtomicInteger done = new AtomicInteger();
        AtomicLong rolledBack = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        Queue<Throwable> writerFailures = new ConcurrentLinkedQueue<>();
        for (int w = 0; w < WRITERS; w++) {
            Random random = new Random(SEED * 31 + w);
            int share = OPS / WRITERS;
            writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
                try (Connection c = db.connect()) {
                    c.setAutoCommit(false);
                    for (int op = 0; op < share; op++) {
                        rolledBack.addAndGet(transaction(c, random));
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    writerFailures.add(e);
                }
            }));
        }
        for (int kill = 1; kill <= KILLS; kill++) {
            int threshold = OPS * kill / (KILLS + 1);
            await().atMost(Duration.ofMinutes(30)).until(() -> done.get() >= threshold || !anyAlive(writers));
            killWalsender();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(writerFailures).as("writer failures").isEmpty();

        quiesce();
        int mismatches = 0;
        List<String> examples = new ArrayList<>();
        for (TenantView view : views) {
            long tenant = view.getSubscriptionValue();
            Set<String> shownDefault = TestSessions.read(view, () -> fingerprints(view.defaultRows.items()));
            Set<String> shownFull = TestSessions.read(view, () -> fingerprints(view.fullRows.items()));
            Set<String> expectedDefault = fingerprints(load(DefaultRow.class, tenant));
            Set<String> expectedFull = fingerprints(load(FullRow.class, tenant));
            if (!shownDefault.equals(expectedDefault) || !shownFull.equals(expectedFull)) {
                mismatches++;
                if (examples.size() < 3) {
                    examples.add("tenant " + tenant + ": default shown-expected " + diff(shownDefault, expectedDefault)
                            + " expected-shown " + diff(expectedDefault, shownDefault) + "; full shown-expected "
                            + diff(shownFull, expectedFull) + " expected-shown " + diff(expectedFull, shownFull));
                }
            }
        }
        System.out.printf("ConvergenceTest seed %d: %d ops (%d rolled back), %d deliveries audited, %d reconnects, "
                        + "%d views mismatched, %d cross-tenant deliveries%n", SEED, done.get(), rolledBack.get(),
                deliveries.size(), liveSync.metrics().reconnects(), mismatches, violations.size());
        assertThat(violations).as("cross-tenant deliveries (seed %d)", SEED).isEmpty();
        assertThat(mismatches).as("views not equal to their tenant's rows (seed %d): %s", SEED, examples).isZero();
        assertLazyViewsShowAFreshQueryOfTheirRange(lazyViews);
        views.forEach(TestSessions::close);
        lazyViews.forEach(TestSessions::close);
        assertThat(liveSync.metrics().registrations()).isZero();
    }

    /**
     * Each lazy view's visible range equals a fresh query of that range, and its live count a fresh count: awaited (a refresh may be
     * due at the end of its refresh window, and a browser's round trip fetches it), then asserted.
     */
    private void assertLazyViewsShowAFreshQueryOfTheirRange(List<LazyTenantView> lazyViews) {
        List<String> lazyMismatches = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                lazyMismatches.clear();
                for (LazyTenantView view : lazyViews) {
                    TestSessions.roundtrip(view);
                    List<String> shown = TestSessions.read(view, () -> ordered(LazyTenantView.visible(view.defaultGrid)));
                    List<String> shownFull = TestSessions.read(view, () -> ordered(LazyTenantView.visible(view.fullGrid)));
                    List<String> fresh = ordered(LazyTenantView.page(sessionFactory, DefaultRow.class, view.tenant, 0,
                            LazyTenantView.PAGE));
                    List<String> freshFull = ordered(LazyTenantView.page(sessionFactory, FullRow.class, view.tenant, 0,
                            LazyTenantView.PAGE));
                    int countFull = TestSessions.read(view, () -> view.fullGrid.getDataCommunicator().getItemCount());
                    int freshCountFull = LazyTenantView.count(sessionFactory, FullRow.class, view.tenant);
                    if (!shown.equals(fresh) || !shownFull.equals(freshFull) || countFull != freshCountFull) {
                        lazyMismatches.add("lazy view of tenant " + view.tenant + ": default " + shown + " vs " + fresh
                                + "; full " + shownFull + " vs " + freshFull + ", live count " + countFull + " vs "
                                + freshCountFull);
                    }
                }
                return lazyMismatches.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // asserted below, with the differences
        }
        System.out.printf("ConvergenceTest seed %d: %d lazy views, %d not equal to a fresh query of their range%n", SEED,
                lazyViews.size(), lazyMismatches.size());
        assertThat(lazyMismatches).as("lazy views whose visible range differs from a fresh query (seed %d)", SEED)
                .isEmpty();
    }

    private static List<String> ordered(List<? extends TenantRow> rows) {
        return rows.stream().map(TenantRow::fingerprint).toList();
    }

    private static boolean anyAlive(List<Thread> threads) {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    private void seed(Random random) {
        for (int i = 0; i < TENANTS * 5; i++) {
            for (int t = 0; t < TABLES.length; t++) {
                knownIds[t].add(insertReturning(t, random.nextInt(TENANTS), "seed " + i, random.nextInt(10) == 0));
            }
        }
    }

    private long insertReturning(int table, long tenant, String title, boolean big) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO " + TABLES[table] + " (tenant, title, notes) VALUES (?, ?, " + notes(big) + ") RETURNING id")) {
            s.setLong(1, tenant);
            s.setString(2, title);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String notes(boolean big) {
        // ~12 KB of incompressible text is stored out of line (TOAST)
        return big ? "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 400))" : "'short note'";
    }

    /** One random transaction of 1 to 5 operations; rolled back one time in 12. Returns 1 when rolled back. */
    private long transaction(Connection c, Random random) throws SQLException {
        int operations = random.nextInt(6) == 0 ? 2 + random.nextInt(4) : 1;
        List<Runnable> afterCommit = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < operations; i++) {
                operation(s, random, afterCommit);
            }
        } catch (SQLException e) {
            if (!"40P01".equals(e.getSQLState())) { // writers may deadlock each other: that one is rolled back
                throw e;
            }
            c.rollback();
            return 1;
        }
        if (random.nextInt(12) == 0) {
            c.rollback();
            return 1;
        }
        c.commit();
        afterCommit.forEach(Runnable::run);
        return 0;
    }

    private void operation(Statement s, Random random, List<Runnable> afterCommit) throws SQLException {
        int table = random.nextInt(TABLES.length);
        String t = TABLES[table];
        Long id = pick(table, random);
        int dice = random.nextInt(1000);
        if (dice < 2) {
            s.execute("TRUNCATE " + t);
            afterCommit.add(knownIds[table]::clear);
        } else if (dice < 250 || id == null) {
            try (ResultSet rs = s.executeQuery("INSERT INTO " + t + " (tenant, title, notes) VALUES (" + random.nextInt(TENANTS)
                    + ", 'new " + random.nextInt(1_000_000) + "', " + notes(random.nextInt(8) == 0) + ") RETURNING id")) {
                rs.next();
                long inserted = rs.getLong(1);
                afterCommit.add(() -> knownIds[table].add(inserted));
            }
        } else if (dice < 450) {
            s.executeUpdate("UPDATE " + t + " SET title = 'renamed " + random.nextInt(1_000_000) + "' WHERE id = " + id);
        } else if (dice < 550) {
            s.executeUpdate("UPDATE " + t + " SET notes = " + notes(true) + " WHERE id = " + id); // only the TOASTed column
        } else if (dice < 750) {
            s.executeUpdate("UPDATE " + t + " SET tenant = " + random.nextInt(TENANTS) + " WHERE id = " + id); // a move
        } else if (dice < 850) {
            s.executeUpdate("UPDATE " + t + " SET tenant = " + random.nextInt(TENANTS) + ", title = 'moved "
                    + random.nextInt(1000) + "' WHERE id = " + id);
        } else {
            s.executeUpdate("DELETE FROM " + t + " WHERE id = " + id);
            afterCommit.add(() -> knownIds[table].remove(id));
        }
    }

    private Long pick(int table, Random random) {
        Object[] ids = knownIds[table].toArray();
        return ids.length == 0 ? null : (Long) ids[random.nextInt(ids.length)];
    }

    private void killWalsender() throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, liveSync.settings().slotName());
            s.execute();
        }
    }

    /** Waits until everything committed so far was delivered (and applied: the sessions' locks are free). */
    private void quiesce() throws SQLException {
        await().atMost(Duration.ofMinutes(5)).until(liveSync::isLive);
        db.execute("INSERT INTO conv_test.row_default (tenant, title) VALUES (-1, 'marker')");
        Lsn written;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_logical_emit_message(false, 'livesync.test', 'quiesce')::text")) {
            rs.next();
            written = Lsn.valueOf(rs.getString(1));
        }
        await().atMost(Duration.ofMinutes(10)).until(() -> liveSync.isLive()
                && org.vaadin.addons.livesync.TestAccess.pipeline(liveSync).listener().caughtUpTo().compareTo(written) >= 0);
        await().atMost(Duration.ofMinutes(10)).until(() -> liveSync.metrics().busyUis() == 0 && liveSync.metrics().lateTransactions() == 0);
    }

    private static Set<String> fingerprints(List<? extends TenantRow> rows) {
        Set<String> set = new TreeSet<>();
        rows.forEach(r -> set.add(r.fingerprint()));
        return set;
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
