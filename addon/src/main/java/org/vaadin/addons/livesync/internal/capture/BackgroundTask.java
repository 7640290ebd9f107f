package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run at a fixed delay on a daemon thread of its own, with an {@link OwnConnection} of that
 * thread. {@link #close()} stops it (waiting up to 5 s for a run in progress) and closes the
 * connection. Thread-safe; the connection is the task thread's.
 */
final class BackgroundTask implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final OwnConnection connection;

    /** A task whose connection goes to {@code server} of the settings. */
    BackgroundTask(String threadName, CaptureSettings settings, Connections.Server server) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(threadName).daemon().factory());
        this.connection = new OwnConnection(settings, server);
    }

    /** Runs {@code task} every {@code period}, starting one period from now. */
    void every(Duration period, Runnable task) {
        scheduler.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The task thread's connection; only the task may use it. */
    OwnConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
