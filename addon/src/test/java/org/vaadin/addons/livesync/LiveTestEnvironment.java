package org.vaadin.addons.livesync;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.server.VaadinService;

/**
 * The real pipeline for view tests: a schema of its own with the {@link Item} table (and any
 * {@link Tables extra tables} a test class needs), a publication for them, a Hibernate
 * SessionFactory and a started {@link LiveSync}. One per test class.
 */
final class LiveTestEnvironment implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    final TestDatabase db;
    final String publication = TestDatabase.uniqueName("views");
    final SessionFactory sessionFactory;
    final LiveSync liveSync;
    private final Tables extra;
    private final UnaryOperator<CaptureSettings> capture;

    /**
     * More tables in {@code live_view_test} for a test class: created after {@code item}; the
     * {@code published} ones join the publication, and {@code entities} join the SessionFactory.
     */
    record Tables(List<String> ddl, List<String> published, List<Class<?>> entities) {
        static final Tables NONE = new Tables(List.of(), List.of(), List.of());
    }

    LiveTestEnvironment(String replicaIdentity) {
        this(TestDatabase.get(), replicaIdentity, Tables.NONE);
    }

    /** The environment on another server (e.g. one a test started with settings of its own). */
    LiveTestEnvironment(TestDatabase db, String replicaIdentity) {
        this(db, replicaIdentity, Tables.NONE);
    }

    LiveTestEnvironment(TestDatabase db, String replicaIdentity, Tables extra) {
        this(db, replicaIdentity, extra, UnaryOperator.identity());
    }

    /**
     * The environment on another server, its own LiveSync made with {@code capture} applied to
     * {@link #settings()} (e.g. to stream from a standby of that server).
     */
    LiveTestEnvironment(TestDatabase db, String replicaIdentity, UnaryOperator<CaptureSettings> capture) {
        this(db, replicaIdentity, Tables.NONE, capture);
    }

    /** The environment on the shared server, its LiveSync delivering with {@code delivery}. */
    LiveTestEnvironment(String replicaIdentity, DeliverySettings delivery) {
        this(TestDatabase.get(), replicaIdentity, Tables.NONE, UnaryOperator.identity(), delivery);
    }

    private LiveTestEnvironment(TestDatabase db, String replicaIdentity, Tables extra,
                                UnaryOperator<CaptureSettings> capture) {
        this(db, replicaIdentity, extra, capture, DeliverySettings.defaults());
    }

    private LiveTestEnvironment(TestDatabase db, String replicaIdentity, Tables extra,
                                UnaryOperator<CaptureSettings> capture, DeliverySettings delivery) {
        this.db = db;
        this.capture = capture;
        db.execute("DROP SCHEMA IF EXISTS live_view_test CASCADE", "CREATE SCHEMA live_view_test",
                "CREATE TABLE live_view_test.item (id bigserial PRIMARY KEY, tenant bigint, title text NOT NULL, "
                        + "status text NOT NULL DEFAULT 'open', notes text)",
                "ALTER TABLE live_view_test.item REPLICA IDENTITY " + replicaIdentity,
                "CREATE TABLE live_view_test.gadget (id bigserial PRIMARY KEY, tenant bigint, title text NOT NULL, "
                        + "kind text NOT NULL DEFAULT 'SMALL')");
        db.execute(extra.ddl().toArray(String[]::new));
        StringBuilder tables = new StringBuilder("live_view_test.item, live_view_test.gadget");
        extra.published().forEach(table -> tables.append(", live_view_test.").append(table));
        db.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + tables);
        this.extra = extra;
        sessionFactory = newSessionFactory();
        liveSync = LiveSync.create(sessionFactory, LiveSyncSettings.of(capture.apply(settings())).withDelivery(delivery));
        liveSync.start();
        awaitStreaming(liveSync);
    }

    /** Waits until {@code liveSync} streams (the public {@link LiveSync#awaitStreaming}); fails naming its problems. */
    static void awaitStreaming(LiveSync liveSync) {
        try {
            if (!liveSync.awaitStreaming(WAIT)) {
                throw new AssertionError("LiveSync is not streaming after " + WAIT + ": " + liveSync.liveState().status() + " "
                        + liveSync.liveState().problems());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The capture settings of this environment's LiveSync: its database and publication, quick reconnects. */
    CaptureSettings settings() {
        return CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                .withPublication(publication)
                .withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    /** A SessionFactory of its own for the environment's entities, as each application node has. */
    SessionFactory newSessionFactory() {
        Properties props = new Properties();
        props.setProperty("hibernate.connection.url", db.jdbcUrl());
        props.setProperty("hibernate.connection.username", db.user());
        props.setProperty("hibernate.connection.password", db.password());
        props.setProperty("hibernate.hbm2ddl.auto", "none");
        props.setProperty("hibernate.connection.pool_size", "5");
        props.setProperty("hibernate.generate_statistics", "true"); // tests count the statements of a delivery
        props.setProperty("hibernate.session.events.log", "false");
        Configuration configuration = new Configuration().addProperties(props).addAnnotatedClass(Item.class)
                .addAnnotatedClass(Gadget.class);
        extra.entities().forEach(configuration::addAnnotatedClass);
        return configuration.buildSessionFactory();
    }

    /**
     * Another application node on the same database, tables and publication: a SessionFactory and
     * a LiveSync of its own (so a replication slot of its own), created with {@code settings} and
     * started, not awaited. Close it before the environment.
     */
    Node node(CaptureSettings settings) {
        return node(LiveSyncSettings.of(settings));
    }

    /** As {@link #node(CaptureSettings)}, with delivery settings too. */
    Node node(LiveSyncSettings settings) {
        SessionFactory factory = newSessionFactory();
        LiveSync node = LiveSync.create(factory, settings);
        node.start();
        return new Node(factory, node);
    }

    /** An application node besides the environment's own (see {@link #node}). */
    final class Node implements AutoCloseable {
        final SessionFactory sessionFactory;
        final LiveSync liveSync;

        private Node(SessionFactory sessionFactory, LiveSync liveSync) {
            this.sessionFactory = sessionFactory;
            this.liveSync = liveSync;
        }

        /** The tenant's rows, loaded through this node's Hibernate. */
        List<Item> load(Long tenant) {
            return LiveTestEnvironment.load(sessionFactory, tenant);
        }

        /** As {@link LiveTestEnvironment#quiesce()}, for this node. */
        void quiesce() {
            LiveTestEnvironment.this.quiesce(liveSync);
        }

        @Override
        public void close() {
            liveSync.stop();
            sessionFactory.close();
        }
    }

    /** Inserts a row with plain SQL and returns its id. */
    long insert(long tenant, String title) {
        try (var c = db.connect(); var s = c.prepareStatement(
                "INSERT INTO live_view_test.item (tenant, title) VALUES (?, ?) RETURNING id")) {
            s.setLong(1, tenant);
            s.setString(2, title);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tenant's rows, loaded through Hibernate as an application would. */
    List<Item> load(Long tenant) {
        return load(sessionFactory, tenant);
    }

    private static List<Item> load(SessionFactory sessionFactory, Long tenant) {
        return sessionFactory.fromSession(s -> s.createSelectionQuery("from Item where tenant = :t order by id", Item.class)
                .setParameter("t", tenant).getResultList());
    }

    /**
     * Per test: empty tables, a fresh Karibu UI with this environment's LiveSync installed, and a
     * quiet pipeline (tear down with {@code MockVaadin.tearDown()}).
     */
    void freshUi() {
        db.execute("DELETE FROM live_view_test.item", "DELETE FROM live_view_test.gadget");
        MockVaadin.setup();
        liveSync.install(VaadinService.getCurrent().getContext());
        quiesce();
    }

    /** Awaits a condition on the UI, running pending UI.access tasks in the test thread meanwhile. */
    static void awaitUi(BooleanSupplier condition) {
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            MockVaadin.runUIQueue();
            return condition.getAsBoolean();
        });
    }

    /**
     * Waits until the pipeline has delivered everything committed so far and every UI has applied
     * it, lazy Grids' range refreshes included (running Karibu's UI queue meanwhile).
     */
    void quiesce() {
        quiesce(liveSync);
    }

    /** As {@link #quiesce()}, for the given node's LiveSync. */
    void quiesce(LiveSync liveSync) {
        catchUp(liveSync);
        await().atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(5)).until(() -> {
            MockVaadin.runUIQueue();
            return liveSync.metrics().busyUis() == 0 && liveSync.metrics().lateTransactions() == 0
                    && liveSync.metrics().lazyRefreshing() == 0; // lazy ranges refresh off the UI thread
        });
    }

    /** Waits until the pipeline has routed everything committed so far (UIs may still be applying it). */
    void catchUp() {
        catchUp(liveSync);
    }

    /** As {@link #catchUp()}, for the given node's LiveSync: the public {@link LiveSync#awaitCaughtUp}. */
    void catchUp(LiveSync liveSync) {
        try {
            if (!liveSync.awaitCaughtUp(WAIT)) {
                throw new AssertionError("LiveSync did not catch up within " + WAIT + ": " + liveSync.liveState());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        liveSync.stop();
        sessionFactory.close();
        db.execute("DROP PUBLICATION IF EXISTS " + publication, "DROP SCHEMA IF EXISTS live_view_test CASCADE");
    }
}
