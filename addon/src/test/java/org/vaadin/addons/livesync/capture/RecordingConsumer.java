package org.vaadin.addons.livesync.capture;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.vaadin.addons.livesync.decode.RowChange;
import org.vaadin.addons.livesync.decode.Transaction;

/** Records what a listener delivers; thread-safe for the delivery thread and the test thread. */
final class RecordingConsumer implements TransactionConsumer {

    final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    final List<Gap> gaps = new CopyOnWriteArrayList<>();

    @Override
    public void onTransaction(Transaction transaction) {
        transactions.add(transaction);
    }

    @Override
    public void onGap(Gap gap) {
        gaps.add(gap);
    }

    List<RowChange> changes() {
        return transactions.stream().flatMap(t -> t.changes().stream()).toList();
    }

    List<RowChange> changesOf(String table) {
        return changes().stream().filter(c -> c.table().equals(table)).toList();
    }
}
