package org.vaadin.addons.livesync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What each application node costs the primary: 0, 1, 2 and 4 LiveSync nodes attached (each its own
 * publication, temporary slot and walsender, no views), one client commits single-row updates, and
 * the server's CPU (all its processes: the writing backend, each node's walsender decoding the whole
 * WAL, the background writers) is divided by the commits, once every node has caught up.
 * {@code scaleout.primary_cpu_ms_per_tx_N}. The machine's other load shows as noise.
 */
final class Scaleout {

    static final String PUBLICATION = "lsbench_scaleout";
    private static final int[] NODES = {0, 1, 2, 4};

    private Scaleout() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        int commits = Math.max(2_000, sizes.backlogCommits() / 40);
        List<String> publications = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            publications.add(PUBLICATION + "_" + i);
        }
        db.cleanUp(publications);
        db.createTaskTable();
        db.seedTasks(1, 100, 10);
        results.put("scaleout.commits", commits);
        try {
            for (int n : NODES) {
                List<Pipeline> nodes = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) {
                        nodes.add(new Pipeline(db, publications.get(i)));
                    }
                    double cpu;
                    double before;
                    // the writer's backend lives through the measurement: a backend that exits is counted
                    // only once the postmaster has reaped it
                    try (Connection writer = db.connect()) {
                        write(writer, 200, "warm-up");
                        nodes.forEach(node -> node.quiesce(Duration.ofSeconds(60)));
                        before = Cpu.postgresSeconds();
                        write(writer, commits, "n" + n);
                        nodes.forEach(node -> node.quiesce(Duration.ofSeconds(120)));
                        cpu = Cpu.postgresSeconds() - before;
                    }
                    double perTx = before < 0 ? Double.NaN : cpu * 1000 / commits;
                    System.out.printf("scaleout: %d node(s): %,d commits cost the server %.2f s CPU, %.3f ms per commit%n",
                            n, commits, cpu, perTx);
                    results.put("scaleout.primary_cpu_ms_per_tx_" + n, perTx);
                } finally {
                    nodes.forEach(Pipeline::close);
                }
            }
        } finally {
            db.cleanUp(publications);
        }
    }

    /** {@code commits} single-row updates from one connection, each its own commit. */
    private static void write(Connection c, int commits, String tag) throws Exception {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE " + BenchDb.TASK + " SET title = ?, updated_at = now() WHERE id = ?")) {
            for (int i = 0; i < commits; i++) {
                update.setString(1, "scaleout " + tag + " " + i);
                update.setLong(2, 1 + (i % 1_000));
                update.executeUpdate();
            }
        }
    }
}
