package org.vaadin.addons.livesync.capture;

import org.vaadin.addons.livesync.decode.Transaction;

/**
 * Receives what a {@link ReplicationListener} reads. All calls come from the listener's one
 * delivery thread, in commit order, never concurrently; a slow consumer slows the handover (which
 * then applies backpressure to the server), never the reader. An exception thrown here is logged
 * and the transaction counts as handled.
 */
public interface TransactionConsumer {

    /** One committed transaction with at least one published change, in commit order. */
    void onTransaction(Transaction transaction);

    /**
     * The stream (re)started and changes may have been missed: reload what you show. Comes before
     * the first transaction of the new stream.
     */
    default void onGap(Gap gap) {
    }
}
