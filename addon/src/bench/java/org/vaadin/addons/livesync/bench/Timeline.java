package org.vaadin.addons.livesync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import org.vaadin.addons.livesync.LiveSync;

/**
 * Samples, every 250 ms while a window runs, where the work stands: commits written, transactions
 * delivered by LiveSync, transactions waiting in its handover queue, and views' completions — so
 * that a backlog can be placed (writer, server/reader, or delivery). Printed to the log.
 */
final class Timeline implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Timeline(LiveSync liveSync, IntSupplier written, IntSupplier completed) {
        long start = System.nanoTime();
        thread = Thread.ofPlatform().daemon().name("bench-timeline").start(() -> {
            while (running) {
                lines.add(String.format("  t=%5.2fs written %6d delivered-tx %6d handover-queue %5d completed %6d",
                        (System.nanoTime() - start) / 1e9, written.getAsInt(),
                        liveSync.metrics().transactions(), liveSync.metrics().pendingTransactions(),
                        completed.getAsInt()));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the lines once nothing moves any more are left out
        int last = lines.size();
        while (last > 1 && lines.get(last - 1).substring(lines.get(last - 1).indexOf("written"))
                .equals(lines.get(last - 2).substring(lines.get(last - 2).indexOf("written")))) {
            last--;
        }
        System.out.println("timeline (every 250 ms):");
        lines.subList(0, last).forEach(System.out::println);
    }
}
