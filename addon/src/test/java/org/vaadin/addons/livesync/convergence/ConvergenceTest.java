package org.vaadin.addons.livesync.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.assertj.core.api.SoftAssertions;
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
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.internal.CurrentInstance;
import com.vaadin.flow.shared.Registration;

/**
 * Randomized, seeded convergence and isolation: many tenants and views over real Vaadin sessions,
 * writer threads doing random inserts, updates (some only of a large TOASTed column, some moving
 * rows between tenants), deletes, multi-row transactions, rollbacks and the occasional truncate,
 * on a REPLICA IDENTITY DEFAULT and a FULL table and a global ({@code @Watched(global = true)}) one,
 * with the walsender killed twice during the load. Besides the views of watched lists there are
 * lazy Grids (keyed and global, with and without a filter; some switch tenant halfway), forms that
 * save while the writers change the same rows (some binding the tenant or the id, as a form must not
 * write across tenants), and an entity listener per tenant and keyed table; a "browser" thread works
 * the forms and fetches the lazy Grids' ranges during the load. At quiescence every view must equal a
 * fresh query of its tenant's rows, every lazy Grid's range and count a fresh query of its
 * tenant/filter, every form show a row of its tenant as the database has it, every entity listener
 * have heard exactly its tenant's committed changes (or been told of a gap where they are missing);
 * and nothing (view, lazy page, change listener, entity listener, form, a form's save) may ever have
 * been given, or written, another tenant's row or id.
 * <p>
 * Size: {@code -Dlivesync.convergence.tenants=20 -Dlivesync.convergence.views=200
 * -Dlivesync.convergence.lazyViews=25 -Dlivesync.convergence.forms=10 -Dlivesync.convergence.ops=3000
 * -Dlivesync.convergence.writers=3 -Dlivesync.convergence.kills=2 -Dlivesync.convergence.seed=...};
 * the large run is {@code ./mvnw -pl addon verify -Dtest=ConvergenceTest -Dlivesync.convergence.tenants=50
 * -Dlivesync.convergence.views=500 -Dlivesync.convergence.ops=100000}.
 */
@Timeout(3600)
class ConvergenceTest {

    private static final int TENANTS = Integer.getInteger("livesync.convergence.tenants", 20);
    private static final int VIEWS = Integer.getInteger("livesync.convergence.views", 200);
    private static final int LAZY_VIEWS = Integer.getInteger("livesync.convergence.lazyViews", VIEWS / 8);
    private static final int FORMS = Integer.getInteger("livesync.convergence.forms", VIEWS / 20);
    private static final int OPS = Integer.getInteger("livesync.convergence.ops", 3000);
    private static final int WRITERS = Integer.getInteger("livesync.convergence.writers", 3);
    private static final int KILLS = Integer.getInteger("livesync.convergence.kills", 2);
    private static final long SEED = Long.getLong("livesync.convergence.seed", System.nanoTime());
    private static final String[] TABLES = {"conv_test.row_default", "conv_test.row_full", "conv_test.row_global"};
    private static final int GLOBAL = 2;
    /** How long a converged state may take to show after quiescence (a lazy refresh window, a listener's queue). */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final TestDatabase db = TestDatabase.get();
    private final String publication = TestDatabase.uniqueName("conv");
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<Long> deliveries = new ConcurrentLinkedQueue<>();
    private final Set<Long>[] knownIds = newIdSets();
    private final WriteLog writeLog = new WriteLog();
    private final ChangeAudit changes = new ChangeAudit(violations);
    private SessionFactory sessionFactory;
    private LiveSync liveSync;

    @SuppressWarnings("unchecked")
    private static Set<Long>[] newIdSets() {
        return new Set[] {ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet()};
    }

    @BeforeEach
    void setUp() {
        db.execute("DROP SCHEMA IF EXISTS conv_test CASCADE", "CREATE SCHEMA conv_test");
        for (int t = 0; t < GLOBAL; t++) {
            db.execute("CREATE TABLE " + TABLES[t] + " (id bigserial PRIMARY KEY, tenant bigint NOT NULL, title text NOT NULL, notes text)");
        }
        db.execute("CREATE TABLE " + TABLES[GLOBAL] + " (id bigserial PRIMARY KEY, title text NOT NULL, notes text)");
        db.execute("ALTER TABLE conv_test.row_full REPLICA IDENTITY FULL",
                "CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", TABLES));
        db.execute(AuditTrail.setUp(TABLES[0], TABLES[1]).toArray(String[]::new));
        Properties props = new Properties();
        props.setProperty("hibernate.connection.url", db.jdbcUrl());
        props.setProperty("hibernate.connection.username", db.user());
        props.setProperty("hibernate.connection.password", db.password());
        props.setProperty("hibernate.connection.ApplicationName", AuditTrail.FORMS); // the forms' saves, in the audit trail
        props.setProperty("hibernate.connection.pool_size", "8");
        sessionFactory = new Configuration().addProperties(props).addAnnotatedClass(DefaultRow.class)
                .addAnnotatedClass(FullRow.class).addAnnotatedClass(GlobalRow.class).buildSessionFactory();
        liveSync = LiveSync.create(sessionFactory, CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                .withPublication(publication).withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
        liveSync.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> liveSync.liveState().isLive());
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
        System.out.printf("ConvergenceTest seed %d (-Dlivesync.convergence.seed=%d): %d tenants, %d views, %d lazy views, "
                + "%d forms, %d ops, %d writers, %d kills%n", SEED, SEED, TENANTS, VIEWS, LAZY_VIEWS, FORMS, OPS, WRITERS, KILLS);
        long started = System.nanoTime();
        seed(new Random(SEED));
        List<TenantView> views = new ArrayList<>();
        for (int i = 0; i < VIEWS; i++) {
            long tenant = i % TENANTS;
            views.add(TestSessions.openInNewSession(
                    () -> new TenantView(liveSync, tenant, this::load, violations, deliveries, changes)));
        }
        List<LazyTenantView> lazyViews = new ArrayList<>();
        for (int i = 0; i < LAZY_VIEWS; i++) {
            int index = i;
            LazyTenantView lazy = TestSessions.openInNewSession(
                    () -> new LazyTenantView(liveSync, index, index % TENANTS, sessionFactory, changes, violations));
            TestSessions.roundtrip(lazy); // the first page, as the browser asks for it
            lazyViews.add(lazy);
        }
        List<FormView<?>> forms = new ArrayList<>();
        for (int i = 0; i < FORMS; i++) {
            int index = i;
            FormView.Binds binds = i % 4 == 1 ? FormView.Binds.TENANT : i % 4 == 3 ? FormView.Binds.ID : FormView.Binds.TITLE;
            long tenant = index % TENANTS;
            forms.add(index / 4 % 2 == 0 // each kind of form on both tables
                    ? TestSessions.openInNewSession(() -> new FormView<>(liveSync, index, tenant, DefaultRow.class, binds, violations))
                    : TestSessions.openInNewSession(() -> new FormView<>(liveSync, index, tenant, FullRow.class, binds, violations)));
        }
        List<TenantEventListener<?>> listeners = new ArrayList<>();
        List<Registration> listening = new ArrayList<>();
        for (long tenant = 0; tenant < TENANTS; tenant++) {
            listening.add(listen(DefaultRow.class, "row_default", false, tenant, listeners));
            listening.add(listen(FullRow.class, "row_full", true, tenant, listeners));
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
        Browser browser = new Browser(forms, lazyViews, done);
        Thread browsing = Thread.ofPlatform().name("browser").start(browser);
        for (int kill = 1; kill <= KILLS; kill++) {
            int threshold = OPS * kill / (KILLS + 1);
            await().atMost(Duration.ofMinutes(30)).until(() -> done.get() >= threshold || !anyAlive(writers));
            killWalsender();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        browser.stop();
        browsing.join();
        assertThat(writerFailures).as("writer failures").isEmpty();
        long loaded = System.nanoTime();

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
        List<String> lazyMismatches = lazyViewsNotShowingAFreshQueryOfTheirRange(lazyViews);
        List<String> formMismatches = formsNotShowingTheirTenantsRow(forms);
        AuditTrail trail = AuditTrail.load(db);
        List<String> crossTenantSaves = formWritesAcrossTenants(trail, forms);
        List<String> unheard = unheardEvents(listeners, trail);
        List<String> foreignIds = changes.foreignRemovedIds(trail);
        List<String> listenerForeignIds = listeners.stream().flatMap(l -> l.foreignIds(trail).stream()).toList();

        System.out.printf("ConvergenceTest seed %d: %d ops (%d rolled back, %d transactions committed) in %.1f s, "
                        + "%d deliveries audited, %d list changes audited, %d reconnects, %d views mismatched, "
                        + "%d cross-tenant deliveries%n", SEED, done.get(), rolledBack.get(), writeLog.size(),
                (loaded - started) / 1e9, deliveries.size(), changes.changes(), liveSync.metrics().reconnects(), mismatches,
                violations.size());
        System.out.printf("ConvergenceTest seed %d: %d lazy views (%d grids) not equal to a fresh query: %d; form saves %s, "
                        + "%d form writes audited, %d across tenants; %d forms not showing their tenant's row%n", SEED,
                lazyViews.size(), lazyViews.size() * 5, lazyMismatches.size(), new TreeMap<>(browser.saves),
                trail.formWrites().size(), crossTenantSaves.size(), formMismatches.size());
        System.out.printf("ConvergenceTest seed %d: %d entity listeners heard %d events, were told of %d gaps %s; %d events "
                        + "unheard; %d deletes counted in KEY_UNKNOWN notices (tenant unknown, REPLICA IDENTITY "
                        + "DEFAULT); %d events of other tenants' rows heard; %d change listeners told of removed ids of "
                        + "other tenants%n", SEED, listeners.size(),
                listeners.stream().mapToInt(TenantEventListener::events).sum(),
                listeners.stream().mapToInt(TenantEventListener::gaps).sum(), gapReasons(listeners), unheard.size(),
                listeners.stream().mapToLong(TenantEventListener::keyUnknown).sum(), listenerForeignIds.size(),
                foreignIds.size());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(browser.failures).as("failures of the browser thread: form steps that threw, lazy round trips "
                + "(seed %d)", SEED).isEmpty();
        softly.assertThat(violations).as("cross-tenant deliveries (seed %d)", SEED).isEmpty();
        softly.assertThat(mismatches).as("views not equal to their tenant's rows (seed %d): %s", SEED, examples).isZero();
        softly.assertThat(lazyMismatches).as("lazy Grids whose visible range or count differs from a fresh query (seed %d)",
                SEED).isEmpty();
        softly.assertThat(foreignIds).as("change listeners told of removed ids of rows never in their tenant (seed %d)",
                SEED).isEmpty();
        softly.assertThat(listenerForeignIds).as("entity listeners of one tenant that heard of a row never in their "
                + "tenant, not even its id (seed %d)", SEED).isEmpty();
        softly.assertThat(unheard).as("committed changes an entity listener of the tenant never heard, outside any "
                + "reported gap (seed %d)", SEED).isEmpty();
        softly.assertThat(crossTenantSaves).as("form saves that wrote another row than the one loaded, or across tenants "
                + "(seed %d)", SEED).isEmpty();
        softly.assertThat(formMismatches).as("forms not showing their tenant's row as the database has it (seed %d)", SEED)
                .isEmpty();
        softly.assertThat(trail.formWrites().isEmpty() && browser.saved() > 0).as("form saves reported SAVED but none is "
                + "in the audit trail: the forms' connections lost their application name").isFalse();
        softly.assertAll();

        listening.forEach(Registration::remove);
        views.forEach(TestSessions::close);
        lazyViews.forEach(TestSessions::close);
        forms.forEach(TestSessions::close);
        assertThat(liveSync.metrics().registrations()).isZero();
    }

    private <R extends TenantRow> Registration listen(Class<R> type, String table, boolean fullIdentity, long tenant,
                                                      List<TenantEventListener<?>> listeners) {
        TenantEventListener<R> listener = new TenantEventListener<>(tenant, table, fullIdentity, violations);
        listeners.add(listener);
        return liveSync.events(type).forSubscriptionValue(tenant).withEntity().listen(listener);
    }

    /**
     * The user of each form and the browser of each lazy view, on a thread of its own during the load:
     * in turn, one step at a form and a round trip of a lazy view (its range is fetched as the browser
     * asks for it); halfway through, every fourth lazy view switches to another tenant.
     */
    private final class Browser implements Runnable {
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> saves = new ConcurrentHashMap<>();
        private final List<FormView<?>> forms;
        private final List<LazyTenantView> lazyViews;
        private final AtomicInteger done;
        private volatile boolean stopped;

        Browser(List<FormView<?>> forms, List<LazyTenantView> lazyViews, AtomicInteger done) {
            this.forms = forms;
            this.lazyViews = lazyViews;
            this.done = done;
        }

        @Override
        public void run() {
            Random random = new Random(SEED * 17);
            boolean switched = false;
            try (Connection c = db.connect()) {
                for (int i = 0; !stopped; i++) {
                    if (!forms.isEmpty()) {
                        FormView<?> form = forms.get(i % forms.size());
                        try {
                            access(form, () -> form.step(random, c, saves));
                        } catch (RuntimeException e) { // a save that throws: reported, and the user goes on
                            failures.add(new AssertionError(form + ": a step threw", e));
                        }
                    }
                    if (!lazyViews.isEmpty()) {
                        TestSessions.roundtrip(lazyViews.get(i % lazyViews.size()));
                    }
                    if (!switched && done.get() >= OPS / 2) {
                        switched = true;
                        for (int v = 1; v < lazyViews.size(); v += 4) {
                            LazyTenantView view = lazyViews.get(v);
                            access(view, () -> view.switchTo((view.tenant() + 1) % TENANTS));
                        }
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        }

        void stop() {
            stopped = true;
        }

        int saved() {
            return saves.entrySet().stream().filter(e -> e.getKey().endsWith(" SAVED")).mapToInt(e -> e.getValue().get()).sum();
        }
    }

    /** An action of the component's UI, as a request runs it: its session locked, its UI current. */
    private static void access(Component component, SqlAction action) throws SQLException {
        UI ui = component.getUI().orElseThrow();
        SQLException[] failed = new SQLException[1];
        TestSessions.withLock(ui.getSession(), () -> {
            var previous = CurrentInstance.setCurrent(ui);
            try {
                action.run();
            } catch (SQLException e) {
                failed[0] = e;
            } finally {
                CurrentInstance.restoreInstances(previous);
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    /**
     * Each lazy Grid's visible range equals a fresh query of that range, and its count a fresh count: awaited (a refresh may
     * be due at the end of its refresh window, and a browser's round trip fetches it). Returns one line per Grid that differs.
     */
    private List<String> lazyViewsNotShowingAFreshQueryOfTheirRange(List<LazyTenantView> lazyViews) {
        List<String> lazyMismatches = new ArrayList<>();
        settle(() -> {
            lazyMismatches.clear();
            for (LazyTenantView view : lazyViews) {
                TestSessions.roundtrip(view);
                for (LazyTenantView.Probe probe : view.probes) {
                    List<String> shown = TestSessions.read(view, () -> LazyTenantView.visible(probe.grid()).stream()
                            .map(probe.fingerprint()).toList());
                    int count = TestSessions.read(view, () -> probe.grid().getDataCommunicator().getItemCount());
                    long tenant = view.tenant();
                    List<String> fresh = probe.freshPage().apply(tenant);
                    int freshCount = probe.freshCount().apply(tenant);
                    if (!shown.equals(fresh) || count != freshCount) {
                        lazyMismatches.add(view + " grid " + probe.name() + ": count " + count + " vs fresh " + freshCount
                                + "; shown-fresh " + minus(shown, fresh) + ", fresh-shown " + minus(fresh, shown)
                                + (shown.size() == fresh.size() && minus(shown, fresh).isEmpty() && !shown.equals(fresh)
                                ? ", same rows in another order" : ""));
                    }
                }
            }
            return lazyMismatches.isEmpty();
        });
        return lazyMismatches;
    }

    /**
     * Each form shows nothing, or a row of its tenant that the database still has there; without unsaved
     * edits, exactly as the database has it. Awaited, then one line per form that differs.
     */
    private List<String> formsNotShowingTheirTenantsRow(List<FormView<?>> forms) {
        List<String> formMismatches = new ArrayList<>();
        settle(() -> {
            formMismatches.clear();
            for (FormView<?> form : forms) {
                TestSessions.roundtrip(form);
                String shown = TestSessions.read(form, () -> form.form.bean() == null ? null : form.form.bean().fingerprint());
                boolean edited = TestSessions.read(form, form.form::hasChanges);
                if (shown == null) {
                    continue;
                }
                long id = Long.parseLong(shown.substring(0, shown.indexOf('|')));
                List<? extends TenantRow> stored = sessionFactory.fromStatelessSession(s -> s.createSelectionQuery(
                        "from " + form.type.getSimpleName() + " where id = :id", form.type).setParameter("id", id).getResultList());
                String inDatabase = stored.isEmpty() ? "no such row" : stored.get(0).fingerprint();
                if (stored.isEmpty() || !Objects.equals(stored.get(0).getTenant(), form.tenant)
                        || !edited && !inDatabase.equals(shown)) {
                    formMismatches.add(form + " shows " + shown + (edited ? " (with unsaved edits)" : "")
                            + "; the database has " + inDatabase);
                }
            }
            return formMismatches.isEmpty();
        });
        return formMismatches;
    }

    /** Every row write of a form's save must update the row the form loaded, in the form's tenant, and leave it there. */
    private static List<String> formWritesAcrossTenants(AuditTrail trail, List<FormView<?>> forms) {
        List<String> wrong = new ArrayList<>();
        for (AuditTrail.FormWrite write : trail.formWrites()) {
            int index = FormView.formOf(write.title());
            FormView<?> form = index >= 0 && index < forms.size() ? forms.get(index) : null;
            if (form == null || !"UPDATE".equals(write.op()) || !Objects.equals(write.oldId(), write.newId())
                    || !Objects.equals(write.oldId(), FormView.rowOf(write.title()))
                    || !Objects.equals(write.oldTenant(), form.tenant) || !Objects.equals(write.newTenant(), form.tenant)) {
                wrong.add((form == null ? "a form" : form.toString()) + " having loaded row "
                        + FormView.rowOf(write.title()) + " wrote: " + write);
            }
        }
        return wrong;
    }

    /** What the entity listeners did not hear of the writers' committed changes, outside the gaps they were told of: awaited. */
    private List<String> unheardEvents(List<TenantEventListener<?>> listeners, AuditTrail trail) {
        List<WriteLog.Txn> transactions = writeLog.transactions();
        List<String> unheard = new ArrayList<>();
        settle(() -> {
            unheard.clear();
            listeners.forEach(l -> unheard.addAll(l.unheard(transactions, trail)));
            return unheard.isEmpty();
        });
        return unheard;
    }

    private static Map<String, Long> gapReasons(List<TenantEventListener<?>> listeners) {
        Map<String, Long> reasons = new TreeMap<>();
        listeners.forEach(l -> l.notices().forEach(n -> reasons.merge(n.reason().name(), 1L, Long::sum)));
        return reasons;
    }

    /** Awaits {@code converged} up to {@link #SETTLE}; a state that does not converge is asserted by the caller, with its differences. */
    private static void settle(java.util.concurrent.Callable<Boolean> converged) {
        try {
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(converged);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // asserted by the caller, with the differences
        }
    }

    private static List<String> minus(List<String> a, List<String> b) {
        List<String> d = new ArrayList<>(a);
        d.removeAll(b);
        return d;
    }

    private static boolean anyAlive(List<Thread> threads) {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    private void seed(Random random) {
        for (int i = 0; i < TENANTS * 5; i++) {
            for (int t = 0; t < GLOBAL; t++) {
                knownIds[t].add(insertReturning(t, (long) random.nextInt(TENANTS), "seed " + i, random.nextInt(10) == 0));
            }
            if (i % 2 == 0) {
                knownIds[GLOBAL].add(insertReturning(GLOBAL, null, "seed " + i, random.nextInt(10) == 0));
            }
        }
    }

    private long insertReturning(int table, Long tenant, String title, boolean big) {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(tenant == null
                ? "INSERT INTO " + TABLES[table] + " (title, notes) VALUES (?, " + notes(big) + ") RETURNING id"
                : "INSERT INTO " + TABLES[table] + " (title, notes, tenant) VALUES (?, " + notes(big) + ", ?) RETURNING id")) {
            s.setString(1, title);
            if (tenant != null) {
                s.setLong(2, tenant);
            }
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

    /**
     * One random transaction of 1 to 5 operations; rolled back one time in 12. Returns 1 when rolled back. A committed one
     * goes to the {@link WriteLog} with the window that holds its commit time.
     */
    private long transaction(Connection c, Random random) throws SQLException {
        int operations = random.nextInt(6) == 0 ? 2 + random.nextInt(4) : 1;
        List<Runnable> afterCommit = new ArrayList<>();
        List<WriteLog.Op> ops = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < operations; i++) {
                operation(s, random, afterCommit, ops);
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
        Instant before = Instant.now();
        c.commit();
        writeLog.committed(ops, before, Instant.now());
        afterCommit.forEach(Runnable::run);
        return 0;
    }

    /**
     * One operation on a random table (the global one one time in ten). An update or delete first locks the row and reads
     * its tenant (the row may be gone: then nothing is done), so that the {@link WriteLog} knows the old and the new tenant.
     */
    private void operation(Statement s, Random random, List<Runnable> afterCommit, List<WriteLog.Op> ops) throws SQLException {
        int table = random.nextInt(10) == 0 ? GLOBAL : random.nextInt(GLOBAL);
        boolean global = table == GLOBAL;
        String t = TABLES[table];
        String name = t.substring(t.indexOf('.') + 1);
        Long id = pick(table, random);
        int dice = random.nextInt(1000);
        if (dice < 2) {
            s.execute("TRUNCATE " + t);
            afterCommit.add(knownIds[table]::clear);
            ops.add(new WriteLog.Op(name, WriteLog.Kind.TRUNCATE, null, null, null));
            return;
        }
        if (dice < 250 || id == null) {
            Long tenant = global ? null : (long) random.nextInt(TENANTS);
            try (ResultSet rs = s.executeQuery("INSERT INTO " + t + " (title, notes" + (global ? "" : ", tenant") + ") VALUES ('new "
                    + random.nextInt(1_000_000) + "', " + notes(random.nextInt(8) == 0) + (global ? "" : ", " + tenant)
                    + ") RETURNING id")) {
                rs.next();
                long inserted = rs.getLong(1);
                afterCommit.add(() -> knownIds[table].add(inserted));
                ops.add(new WriteLog.Op(name, WriteLog.Kind.INSERT, inserted, null, tenant));
            }
            return;
        }
        Long tenant;
        try (ResultSet rs = s.executeQuery("SELECT " + (global ? "NULL" : "tenant") + ", 1 FROM " + t + " WHERE id = " + id
                + " FOR UPDATE")) {
            if (!rs.next()) {
                return; // deleted meanwhile
            }
            tenant = (Long) rs.getObject(1);
        }
        Long moved = null;
        if (dice < 450) {
            s.executeUpdate("UPDATE " + t + " SET title = 'renamed " + random.nextInt(1_000_000) + "' WHERE id = " + id);
        } else if (dice < 550) {
            s.executeUpdate("UPDATE " + t + " SET notes = " + notes(true) + " WHERE id = " + id); // only the TOASTed column
        } else if (dice < 750) {
            moved = (long) random.nextInt(TENANTS);
            s.executeUpdate(global ? "UPDATE " + t + " SET title = 'moved " + moved + "' WHERE id = " + id
                    : "UPDATE " + t + " SET tenant = " + moved + " WHERE id = " + id); // a move
        } else if (dice < 850) {
            moved = (long) random.nextInt(TENANTS);
            s.executeUpdate("UPDATE " + t + " SET " + (global ? "" : "tenant = " + moved + ", ") + "title = 'moved "
                    + random.nextInt(1000) + "' WHERE id = " + id);
        } else {
            s.executeUpdate("DELETE FROM " + t + " WHERE id = " + id);
            afterCommit.add(() -> knownIds[table].remove(id));
            ops.add(new WriteLog.Op(name, WriteLog.Kind.DELETE, id, tenant, null));
            return;
        }
        ops.add(new WriteLog.Op(name, WriteLog.Kind.UPDATE, id, tenant, global || moved == null ? tenant : moved));
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
        await().atMost(Duration.ofMinutes(5)).until(() -> liveSync.liveState().isLive());
        db.execute("INSERT INTO conv_test.row_default (tenant, title) VALUES (-1, 'marker')",
                "INSERT INTO conv_test.row_global (title) VALUES ('marker')"); // every global lazy Grid must count it
        Lsn written;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_logical_emit_message(false, 'livesync.test', 'quiesce')::text")) {
            rs.next();
            written = Lsn.valueOf(rs.getString(1));
        }
        await().atMost(Duration.ofMinutes(10)).until(() -> liveSync.liveState().isLive()
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
