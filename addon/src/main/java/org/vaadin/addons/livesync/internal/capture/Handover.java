package org.vaadin.addons.livesync.internal.capture;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The bounded queue between the reader thread and the delivery thread. When it is full the reader
 * waits here, running a keep-alive at each interval so the server does not drop the connection,
 * until there is room or it is told to stop. Thread-safe: one producer, one consumer.
 */
final class Handover {

    /** An item: a gap signal or a transaction. */
    sealed interface Item permits GapItem, TransactionItem {
    }

    /**
     * A new stream begins.
     *
     * @param skipDelivered whether it continues the previous stream's history, so that what that one
     *                      delivered is skipped
     * @param newHistory    whether its server writes another WAL history than the previous stream's
     *                      (positions of the two are not comparable)
     */
    record GapItem(Gap gap, boolean skipDelivered, boolean newHistory) implements Item {
    }

    record TransactionItem(org.vaadin.addons.livesync.internal.decode.Transaction transaction) implements Item {
    }

    private final BlockingQueue<Item> queue;

    Handover(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Puts an item, waiting while the queue is full; runs {@code keepAlive} every {@code interval}
     * of waiting. Returns false, without putting, when {@code running} turns false.
     */
    boolean put(Item item, Duration interval, BooleanSupplier running, KeepAlive keepAlive) throws Exception {
        while (running.getAsBoolean()) {
            if (queue.offer(item, interval.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            keepAlive.run();
        }
        return false;
    }

    /** Takes the next item, waiting up to {@code timeout}; null when none came. */
    Item poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Items waiting. */
    int size() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }

    /** Sends a status update while the reader waits. */
    @FunctionalInterface
    interface KeepAlive {
        void run() throws Exception;
    }
}
