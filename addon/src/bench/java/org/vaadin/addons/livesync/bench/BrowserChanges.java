package org.vaadin.addons.livesync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.TimeoutError;

/**
 * Commit → the change in the DOM of the signed-in user's board, per kind of change: an insert, an
 * update of the title, a move to another organization and a delete, each of a row the Grid shows,
 * one change at a time. The rows are the bench's own, titled {@code 000 bench ...} so that they sort
 * first in a Grid ordered by title (in memory or in the database, any collation) and are in the
 * visible range of a lazy Grid. A round: insert A, update A's title, move A away, insert B, delete
 * B. A {@code MutationObserver} on the Grid (its light DOM and its shadow root, so that rows being
 * hidden count too) records when the expected text is first shown by a visible cell content
 * element ({@code vaadin-grid-cell-content}), or no longer shown by any: the probe is the same for
 * an in-memory Grid and a lazy one. Times are wall clock ({@code performance.timeOrigin + now()}
 * against the writer's {@link Instant}, offset measured); each latency runs from the statement
 * being sent. The first push message after the statement splits it into server and client time.
 * <p>
 * Used on one thread.
 */
final class BrowserChanges {

    /** A kind of change, and whether its text appears or disappears. */
    enum Kind {
        INSERT(false), UPDATE(false), MOVE(true), DELETE(true);

        final boolean gone;

        Kind(boolean gone) {
            this.gone = gone;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String OBSERVER = """
            () => {
              window.__seen = {};
              window.__expect = null;
              const grid = document.querySelector('vaadin-grid');
              if (grid === null) return false;
              const shown = text => {
                for (const cell of grid.querySelectorAll('vaadin-grid-cell-content')) {
                  if (cell.textContent.trim() === text && (!cell.checkVisibility || cell.checkVisibility())) return true;
                }
                return false;
              };
              const check = () => {
                const now = performance.timeOrigin + performance.now();
                const e = window.__expect;
                if (e === null || window.__seen[e.key] !== undefined) return;
                if (shown(e.text) !== e.gone) window.__seen[e.key] = now;
              };
              const options = {subtree: true, childList: true, characterData: true, attributes: true};
              new MutationObserver(check).observe(grid, options);
              if (grid.shadowRoot) new MutationObserver(check).observe(grid.shadowRoot, options);
              window.__check = check;
              return true;
            }""";

    /** Records when each websocket message (a push) arrives, to split server time from client time. */
    static final String WEBSOCKET_SPY = """
            (() => {
              const Native = window.WebSocket;
              window.__messages = [];
              window.__sizes = [];
              const Spy = function (...args) {
                const socket = new Native(...args);
                socket.addEventListener('message', e => {
                  window.__messages.push(performance.timeOrigin + performance.now());
                  window.__sizes.push(typeof e.data === 'string' ? e.data.length : (e.data.size || e.data.byteLength || 0));
                });
                return socket;
              };
              Spy.prototype = Native.prototype;
              for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Spy[k] = Native[k];
              window.WebSocket = Spy;
            })();""";

    private static final long TIMEOUT_MS = 10_000;

    /** What one kind of change measured: nanoseconds, and characters of the first push. */
    static final class Samples {
        final List<Long> total = new ArrayList<>();
        final List<Long> toPush = new ArrayList<>();
        final List<Long> pushToDom = new ArrayList<>();
        final List<Long> pushChars = new ArrayList<>();
        /** Websocket messages that arrived between the statement and the DOM change (round trips). */
        final List<Long> messages = new ArrayList<>();
        int missing;

        Stats stats(List<Long> values) {
            return Stats.ofNanos(values.stream().mapToLong(Long::longValue).toArray());
        }
    }

    private final Page page;
    private final Connection sql;
    private final double offset;
    private final Map<Kind, Samples> samples = new EnumMap<>(Kind.class);
    private int changes;

    /** Installs the observer in {@code page} (the board, signed in); {@code offset} is browser minus JVM clock, ms. */
    BrowserChanges(Page page, Connection sql, double offset) {
        this.page = page;
        this.sql = sql;
        this.offset = offset;
        for (Kind kind : Kind.values()) {
            samples.put(kind, new Samples());
        }
        if (!Boolean.TRUE.equals(page.evaluate(OBSERVER))) {
            throw new IllegalStateException("no vaadin-grid on the board");
        }
    }

    /**
     * Warms the demo's server up the way a server in use is warm: {@code changes} of the same kinds
     * as the measured ones, about 250 a second without waiting for the browser (so the server's
     * paths — decode, dispatch, the Grid's page query, the push — run hundreds of times and the JIT
     * compiles them), then lets the board settle. Without it, the measured changes were the demo
     * JVM's first few hundred and ran largely interpreted: a profile of the quick run showed the JIT
     * compiler threads busier than LiveSync's and the application's threads together.
     */
    void warmUp(int changes) throws SQLException, InterruptedException {
        try (PreparedStatement insert = sql.prepareStatement(
                     "INSERT INTO task (organization_id, title) VALUES (1, ?) RETURNING id");
             PreparedStatement retitle = sql.prepareStatement("UPDATE task SET title = ? WHERE id = ?");
             PreparedStatement move = sql.prepareStatement("UPDATE task SET organization_id = 2 WHERE id = ?");
             PreparedStatement delete = sql.prepareStatement("DELETE FROM task WHERE id = ?")) {
            for (int i = 0; i < changes / 4; i++) {
                long id = insert(insert, String.format("000 bench w %06d", i));
                retitle.setString(1, String.format("000 bench x %06d", i));
                retitle.setLong(2, id);
                retitle.executeUpdate();
                move.setLong(1, id);
                move.executeUpdate();
                delete.setLong(1, id);
                delete.executeUpdate();
                Thread.sleep(16); // a steady 250 changes a second, not a backlog the demo would coalesce
            }
        }
    }

    /** {@code warmUp} rounds not counted, then {@code rounds} counted ones; removes its rows at the end. */
    void run(int warmUp, int rounds) throws SQLException, InterruptedException {
        try (PreparedStatement insert = sql.prepareStatement(
                     "INSERT INTO task (organization_id, title) VALUES (1, ?) RETURNING id");
             PreparedStatement retitle = sql.prepareStatement("UPDATE task SET title = ? WHERE id = ?");
             PreparedStatement move = sql.prepareStatement("UPDATE task SET organization_id = 2 WHERE id = ?");
             PreparedStatement delete = sql.prepareStatement("DELETE FROM task WHERE id = ?")) {
            for (int i = 0; i < warmUp + rounds; i++) {
                boolean counted = i >= warmUp;
                String a = String.format("000 bench a %06d", i);
                String b = String.format("000 bench b %06d", i);
                String c = String.format("000 bench c %06d", i);
                long[] id = new long[1];
                change(Kind.INSERT, a, counted, () -> id[0] = insert(insert, a));
                change(Kind.UPDATE, b, counted, () -> {
                    retitle.setString(1, b);
                    retitle.setLong(2, id[0]);
                    retitle.executeUpdate();
                });
                change(Kind.MOVE, b, counted, () -> {
                    move.setLong(1, id[0]);
                    move.executeUpdate();
                });
                change(Kind.INSERT, c, counted, () -> id[0] = insert(insert, c));
                change(Kind.DELETE, c, counted, () -> {
                    delete.setLong(1, id[0]);
                    delete.executeUpdate();
                });
            }
        } finally {
            try (Statement s = sql.createStatement()) {
                s.execute("DELETE FROM task WHERE title LIKE '000 bench %'");
            }
        }
    }

    /** Runs the {@code INSERT ... RETURNING id} with this title; returns the id. */
    private static long insert(PreparedStatement insert, String title) throws SQLException {
        insert.setString(1, title);
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A statement to time. */
    @FunctionalInterface
    private interface Write {
        void run() throws SQLException;
    }

    private void change(Kind kind, String text, boolean counted, Write write) throws SQLException, InterruptedException {
        String key = kind.key() + " " + (changes++);
        page.evaluate("e => { window.__expect = e; window.__messages = []; window.__sizes = []; }",
                Map.of("key", key, "text", text, "gone", kind.gone));
        Instant sent = Instant.now();
        write.run();
        boolean seen;
        try {
            page.waitForFunction("k => window.__seen[k] !== undefined", key,
                    new Page.WaitForFunctionOptions().setTimeout(TIMEOUT_MS).setPollingInterval(5));
            seen = true;
        } catch (TimeoutError e) {
            seen = false;
        }
        if (counted) {
            record(samples.get(kind), key, sent, seen);
        }
        Thread.sleep(100 + (changes * 37L) % 100); // not in step with any timer of the client or server
    }

    private void record(Samples into, String key, Instant sent, boolean seen) {
        if (!seen) {
            into.missing++;
            return;
        }
        @SuppressWarnings("unchecked")
        List<Number> times = (List<Number>) page.evaluate("k => [window.__seen[k], ...window.__messages]", key);
        @SuppressWarnings("unchecked")
        List<Number> lengths = (List<Number>) page.evaluate("() => window.__sizes");
        double at = times.get(0).doubleValue() - offset;
        double sentMs = sent.getEpochSecond() * 1000.0 + sent.getNano() / 1e6;
        into.total.add(Math.max(0, Math.round((at - sentMs) * 1e6)));
        // the first push that arrived after the statement was sent and before the DOM changed
        long messages = 0;
        for (int k = 1; k < times.size(); k++) {
            double push = times.get(k).doubleValue() - offset;
            if (push >= sentMs && push <= at) {
                if (messages == 0) {
                    if (k - 1 < lengths.size()) {
                        into.pushChars.add(lengths.get(k - 1).longValue());
                    }
                    into.toPush.add(Math.round((push - sentMs) * 1e6));
                    into.pushToDom.add(Math.round((at - push) * 1e6));
                }
                messages++;
            }
        }
        into.messages.add(messages);
    }

    /**
     * Puts {@code latency_ms.browser_<kind>_p50} (and p95, samples, the split, missing) for each
     * kind, and for the update also the figures measured before there were kinds
     * ({@code latency_ms.browser_p50} ...).
     */
    void putInto(Results results) {
        for (Kind kind : Kind.values()) {
            Samples s = samples.get(kind);
            Stats total = s.stats(s.total);
            Stats server = s.stats(s.toPush);
            Stats client = s.stats(s.pushToDom);
            String prefix = "latency_ms.browser_" + kind.key();
            System.out.printf("browser %s: commit -> in the DOM: %s%s%n", kind.key(), total,
                    s.missing > 0 ? ", " + s.missing + " not seen within " + TIMEOUT_MS / 1000 + " s" : "");
            long[] messages = s.messages.stream().mapToLong(Long::longValue).sorted().toArray();
            long messagesP50 = messages.length == 0 ? -1 : messages[messages.length / 2];
            System.out.printf("browser %s: commit -> first push message: %s; push -> DOM: %s; websocket messages "
                    + "before the DOM showed it: %d (median)%n", kind.key(), server, client, messagesP50);
            results.put(prefix + "_messages_before_dom_p50", messagesP50);
            results.put(prefix + "_p50", total.ms(0.50));
            results.put(prefix + "_p95", total.ms(0.95));
            results.put(prefix + "_max", total.maxMs());
            results.put(prefix + "_samples", total.count());
            results.put(prefix + "_to_push_p50", server.ms(0.50));
            results.put(prefix + "_push_to_dom_p50", client.ms(0.50));
            if (s.missing > 0) {
                results.put(prefix + "_missing", s.missing);
            }
        }
        Samples update = samples.get(Kind.UPDATE);
        Stats stats = update.stats(update.total);
        results.put("latency_ms.browser_p50", stats.ms(0.50));
        results.put("latency_ms.browser_p95", stats.ms(0.95));
        results.put("latency_ms.browser_p99", stats.ms(0.99));
        results.put("latency_ms.browser_max", stats.maxMs());
        results.put("latency_ms.browser_samples", stats.count());
        results.put("latency_ms.browser_to_push_p50", update.stats(update.toPush).ms(0.50));
        results.put("latency_ms.browser_to_push_p95", update.stats(update.toPush).ms(0.95));
        results.put("latency_ms.browser_push_to_dom_p50", update.stats(update.pushToDom).ms(0.50));
        results.put("latency_ms.browser_push_to_dom_p95", update.stats(update.pushToDom).ms(0.95));
        long[] chars = update.pushChars.stream().mapToLong(Long::longValue).sorted().toArray();
        results.put("latency_ms.browser_push_message_chars_p50", chars.length == 0 ? -1 : chars[chars.length / 2]);
    }
}
