package org.vaadin.addons.livesync.internal.capture;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;

/**
 * Records what a listener delivers, and when ({@link System#nanoTime()} of each call); thread-safe
 * for the delivery thread and the test thread.
 */
final class RecordingConsumer implements TransactionConsumer {

    final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    final List<Long> transactionNanos = new CopyOnWriteArrayList<>();
    final List<Gap> gaps = new CopyOnWriteArrayList<>();
    final List<Long> gapNanos = new CopyOnWriteArrayList<>();

    @Override
    public void onTransaction(Transaction transaction) {
        transactionNanos.add(System.nanoTime());
        transactions.add(transaction);
    }

    @Override
    public void onGap(Gap gap) {
        gapNanos.add(System.nanoTime());
        gaps.add(gap);
    }

    List<RowChange> changes() {
        return transactions.stream().flatMap(t -> t.changes().stream()).toList();
    }

    List<RowChange> changesOf(String table) {
        return changes().stream().filter(c -> c.table().equals(table)).toList();
    }

    /** When the first transaction delivered after {@code nanos} arrived; -1 when none yet. */
    long firstTransactionAfter(long nanos) {
        return transactionNanos.stream().filter(t -> t - nanos > 0).findFirst().orElse(-1L);
    }
}
