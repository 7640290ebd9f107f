package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.internal.decode.TransactionAssembler;

/**
 * Receives what a {@link ReplicationListener} reads. All calls come from the listener's one
 * delivery thread, in commit order, never concurrently; a slow consumer slows the handover (which
 * then applies backpressure to the server), never the reader. An exception thrown here is logged
 * and the transaction counts as handled.
 */
public interface TransactionConsumer {

    /**
     * One committed transaction with at least one published change, in commit order.
     *
     * @param transaction the transaction
     */
    void onTransaction(Transaction transaction);

    /**
     * A transaction that a resumed stream read again and the listener skips, because an earlier
     * stream of the same history handed it to {@link #onTransaction} already. Called instead of
     * {@link #onTransaction}, in stream order, for each such transaction that is not
     * {@linkplain Transaction#isEmpty() empty}, so that what its reading recorded (e.g. in the
     * assembler's {@link org.vaadin.addons.livesync.internal.decode.ChangeFilter}) can be let go.
     *
     * @param transaction the transaction read again
     */
    default void onSkipped(Transaction transaction) {
    }

    /**
     * The commit position of the oldest transaction the consumer returned from but has not finished
     * with (e.g. set aside until it is visible), or {@link Lsn#INVALID} when none waits. The
     * listener never confirms a position past it to the server, so that a permanent slot sends the
     * transaction again after a stop or crash. Called on the delivery thread after each call of the
     * consumer; must be cheap.
     *
     * @return the oldest unfinished transaction's commit position, or {@link Lsn#INVALID}
     */
    default Lsn oldestUnfinished() {
        return Lsn.INVALID;
    }

    /**
     * The stream (re)started and changes may have been missed: reload what you show. Comes before
     * the first transaction of the new stream.
     *
     * @param gap what the new stream is, and whether it continues the previous one
     */
    default void onGap(Gap gap) {
    }

    /**
     * The assembler for a new stream: it decides what of each transaction is kept until its commit
     * (see {@link org.vaadin.addons.livesync.internal.decode.ChangeFilter}). Called on the reader thread
     * before it reads. The default keeps every change.
     *
     * @return the assembler for a new stream: it decides what of each transaction is kept until its commit (see
     *     {@link org.vaadin.addons.livesync.internal.decode.ChangeFilter})
     */
    default TransactionAssembler newAssembler() {
        return new TransactionAssembler();
    }

    /**
     * Whether the consumer has work of its own waiting (e.g. transactions to deliver once they are
     * visible): then {@link #onIdle()} is called often while no transaction arrives.
     *
     * @return whether the consumer has work of its own waiting (e.g. transactions to deliver once they are visible):
     *     then {@link #onIdle()} is called often while no transaction arrives
     */
    default boolean hasPendingWork() {
        return false;
    }

    /** No transaction arrived for a while; called on the delivery thread, at least every 500 ms. */
    default void onIdle() {
    }
}
