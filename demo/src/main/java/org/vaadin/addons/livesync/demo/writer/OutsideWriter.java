package org.vaadin.addons.livesync.demo.writer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.vaadin.addons.livesync.demo.security.DemoUsers;

/**
 * Another system writing to the same database with plain JDBC, not through JPA or the views:
 * inserts, updates, deletes and moves of tasks between the organizations, at a chosen rate. Off by
 * default; {@code --livesync.demo.writer.rate=N} starts it with N writes per second, and the board's
 * toggle starts and stops it. It deletes and moves only the tasks it inserted, so the sample tasks
 * stay. It writes for every organization, so only the role {@value DemoUsers#OPERATOR} may start or
 * stop it: {@link #start} and {@link #stop} throw Spring Security's {@code AccessDeniedException} for
 * any other signed-in user (method security, checked on the server whatever the browser shows), and
 * an {@code AuthenticationException} when nobody is signed in. Thread-safe.
 */
@Component
public class OutsideWriter implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(OutsideWriter.class);
    /** Titles of the tasks this writer inserts start with it. */
    public static final String TITLE_PREFIX = "Outside: ";
    private static final List<String> VERBS = List.of("Check", "Order", "Call", "Review", "Ship", "Fix", "Plan",
            "Update", "Archive", "Prepare");
    private static final List<String> THINGS = List.of("invoices", "the warehouse", "supplier quotes",
            "the release notes", "customer feedback", "the backlog", "server logs", "the roadmap", "test data",
            "the contract");
    private static final List<String> STATUSES = List.of("open", "in progress", "done");
    private static final List<String> ACME_PEOPLE = List.of("alice", "carol", "dave");
    private static final List<String> GLOBEX_PEOPLE = List.of("bob", "erin", "frank");

    private final DataSource dataSource;
    private final double startupRate;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("demo-outside-writer").daemon().factory());
    private final AtomicLong writes = new AtomicLong();
    private ScheduledFuture<?> job;
    private double rate;

    OutsideWriter(DataSource dataSource, @Value("${livesync.demo.writer.rate:0}") double startupRate) {
        this.dataSource = dataSource;
        this.startupRate = startupRate;
    }

    /** The configured start: no user asks for it, so it bypasses the role check of {@link #start}. */
    @EventListener(ApplicationReadyEvent.class)
    void startIfConfigured() {
        if (startupRate > 0) {
            begin(startupRate);
        }
    }

    /** Starts writing {@code perSecond} changes a second, or changes the rate. Operators only. */
    @PreAuthorize("hasRole('" + DemoUsers.OPERATOR + "')")
    public void start(double perSecond) {
        begin(perSecond);
    }

    private synchronized void begin(double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("The rate must be positive");
        }
        halt();
        long periodMicros = Math.max(1, Math.round(1_000_000 / perSecond));
        job = executor.scheduleAtFixedRate(this::writeOnce, 0, periodMicros, TimeUnit.MICROSECONDS);
        rate = perSecond;
        LOG.info("Outside writer started: {} changes per second with plain JDBC", perSecond);
    }

    /** Stops writing. Idempotent. Operators only. */
    @PreAuthorize("hasRole('" + DemoUsers.OPERATOR + "')")
    public void stop() {
        halt();
    }

    private synchronized void halt() {
        if (job != null) {
            job.cancel(false);
            job = null;
            LOG.info("Outside writer stopped after {} changes", writes.get());
        }
    }

    public synchronized boolean isRunning() {
        return job != null;
    }

    /** The rate while running, else 0. */
    public synchronized double rate() {
        return job != null ? rate : 0;
    }

    /** Changes written since the application started. */
    public long writes() {
        return writes.get();
    }

    private void writeOnce() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long organization = random.nextBoolean() ? 1 : 2;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            int count = count(connection, organization);
            int dice = random.nextInt(100);
            boolean changed;
            if (count < 20 || (count < 60 && dice < 30)) {
                changed = insert(connection, organization, random);
            } else if (count >= 60 || dice < 45) {
                changed = delete(connection, organization);
            } else if (dice < 55) {
                changed = move(connection, organization);
            } else {
                changed = update(connection, organization, random);
            }
            if (changed || update(connection, organization, random)) {
                writes.incrementAndGet();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Outside writer: {}", e.toString());
        }
    }

    private static int count(Connection connection, long organization) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM task WHERE organization_id = ?")) {
            s.setLong(1, organization);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean insert(Connection connection, long organization, ThreadLocalRandom random)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO task (organization_id, title, status, assignee) VALUES (?, ?, 'open', ?)")) {
            s.setLong(1, organization);
            s.setString(2, TITLE_PREFIX + pick(VERBS, random) + " " + pick(THINGS, random) + " #"
                    + random.nextInt(1000));
            s.setString(3, pick(peopleOf(organization), random));
            return s.executeUpdate() == 1;
        }
    }

    private static boolean update(Connection connection, long organization, ThreadLocalRandom random)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                UPDATE task SET status = ?, assignee = ?, updated_at = now()
                 WHERE id = (SELECT id FROM task WHERE organization_id = ? ORDER BY random() LIMIT 1)""")) {
            s.setString(1, pick(STATUSES, random));
            s.setString(2, pick(peopleOf(organization), random));
            s.setLong(3, organization);
            return s.executeUpdate() == 1;
        }
    }

    private static boolean delete(Connection connection, long organization) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                DELETE FROM task WHERE id = (SELECT id FROM task WHERE organization_id = ? AND title LIKE ?
                 ORDER BY random() LIMIT 1)""")) {
            s.setLong(1, organization);
            s.setString(2, TITLE_PREFIX + "%");
            return s.executeUpdate() == 1;
        }
    }

    private static boolean move(Connection connection, long organization) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                UPDATE task SET organization_id = ?, updated_at = now()
                 WHERE id = (SELECT id FROM task WHERE organization_id = ? AND title LIKE ? ORDER BY random() LIMIT 1)""")) {
            s.setLong(1, organization == 1 ? 2 : 1);
            s.setLong(2, organization);
            s.setString(3, TITLE_PREFIX + "%");
            return s.executeUpdate() == 1;
        }
    }

    private static List<String> peopleOf(long organization) {
        return organization == 1 ? ACME_PEOPLE : GLOBEX_PEOPLE;
    }

    private static String pick(List<String> values, ThreadLocalRandom random) {
        return values.get(random.nextInt(values.size()));
    }

    @Override
    public void destroy() {
        halt();
        executor.shutdownNow();
    }
}
