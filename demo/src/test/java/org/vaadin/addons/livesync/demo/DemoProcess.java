package org.vaadin.addons.livesync.demo;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's executable jar running as a process of its own ({@code java -jar}), on a free
 * {@code SERVER_PORT} and, with every {@code SPRING_*} variable removed from its environment, its
 * embedded PostgreSQL. Its output goes to a log file, which tells when it has started and where its
 * database is. {@link #close()} stops it (SIGTERM, so that it shuts down and stops its database),
 * and kills it and everything it started if it has not ended within a minute; a JVM shutdown hook
 * does the same should the test JVM end first.
 */
final class DemoProcess implements AutoCloseable {

    private static final Duration STOP_DEADLINE = Duration.ofMinutes(1);
    private static final String STARTED = "Started DemoApplication";

    private final Process process;
    private final Path log;
    private final int port;
    private final Thread killOnExit;

    private DemoProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.killOnExit = new Thread(this::kill, "kill-demo-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts {@code java -jar jar} with the test's own JVM and returns once the demo logged that it started. */
    static DemoProcess start(Path jar, Path log, Duration deadline) throws IOException {
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_"));
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        DemoProcess demo = new DemoProcess(builder.start(), log, port);
        try {
            await().atMost(deadline).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!demo.process.isAlive()) {
                    throw new IllegalStateException("The demo ended with exit code " + demo.process.exitValue()
                            + " before it started; its output:\n" + demo.log());
                }
                return demo.log().contains(STARTED);
            });
        } catch (RuntimeException | Error e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    /** {@code http://localhost:<port>}. */
    String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Everything the process printed so far. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first group of {@code pattern}'s first match in the log. */
    String logged(Pattern pattern) {
        Matcher matcher = pattern.matcher(log());
        if (!matcher.find()) {
            throw new IllegalStateException("The demo's log has no " + pattern + "; its output:\n" + log());
        }
        return matcher.group(1);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the demo and waits until it ended; idempotent. */
    @Override
    public void close() {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                kill();
                process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        } finally {
            started.forEach(ProcessHandle::destroyForcibly); // whatever the demo left behind (none when it stopped well)
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
