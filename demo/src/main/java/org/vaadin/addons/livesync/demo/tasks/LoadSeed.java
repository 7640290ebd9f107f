package org.vaadin.addons.livesync.demo.tasks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Many tasks for trying the board at real sizes: with {@code livesync.demo.seed-rows=N} (e.g.
 * {@code --livesync.demo.seed-rows=100000}) organization 1 has at least N tasks once the demo has
 * started; the missing ones are inserted in one set-based statement, titled {@code Load task 000001},
 * {@code Load task 000002}, ... (numbered on after the load tasks already there), with statuses,
 * assignees and update times spread over them. Nothing happens when it is 0 (the default) or the
 * organization has enough tasks, so a restart on the same database adds nothing.
 */
@Component
public class LoadSeed implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LoadSeed.class);
    /** The organization that gets the tasks: alice's and carol's. */
    static final long ORGANIZATION = 1;
    /** Titles of the seeded tasks start with it. */
    public static final String TITLE_PREFIX = "Load task ";

    private final JdbcClient sql;
    private final int rows;

    LoadSeed(JdbcClient sql, @Value("${livesync.demo.seed-rows:0}") int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("livesync.demo.seed-rows must be 0 or more; got " + rows);
        }
        this.sql = sql;
        this.rows = rows;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (rows > 0) {
            seed(rows);
        }
    }

    /**
     * Inserts tasks into organization 1 until it has at least {@code atLeast}, in one statement.
     * Thread-safe, but two calls at once may both insert.
     *
     * @return how many were inserted
     */
    public int seed(int atLeast) {
        long started = System.nanoTime();
        long present = sql.sql("SELECT count(*) FROM task WHERE organization_id = ?").param(ORGANIZATION)
                .query(Long.class).single();
        int missing = (int) Math.max(0, atLeast - present);
        if (missing == 0) {
            return 0;
        }
        long numbered = sql.sql("SELECT count(*) FROM task WHERE organization_id = ? AND title LIKE ?")
                .params(ORGANIZATION, TITLE_PREFIX + "%").query(Long.class).single();
        int digits = Math.max(6, Long.toString(numbered + missing).length());
        int inserted = sql.sql("""
                INSERT INTO task (organization_id, title, status, assignee, updated_at)
                SELECT :organization, :prefix || lpad(n::text, :digits, '0'),
                       (ARRAY['open', 'open', 'in progress', 'done'])[n % 4 + 1],
                       (ARRAY['alice', 'carol', 'dave', NULL, 'alice'])[n % 5 + 1],
                       now() - make_interval(secs => n * 37)
                  FROM generate_series(:first, :last) AS n""")
                .param("organization", ORGANIZATION).param("prefix", TITLE_PREFIX).param("digits", digits)
                .param("first", numbered + 1).param("last", numbered + missing)
                .update();
        // the planner learns the organization's size, and the visibility map lets counts read only the index
        sql.sql("VACUUM ANALYZE task").update();
        LOG.info("Seeded {} tasks into organization {} in {} ms (livesync.demo.seed-rows={})", inserted, ORGANIZATION,
                (System.nanoTime() - started) / 1_000_000, atLeast);
        return inserted;
    }
}
