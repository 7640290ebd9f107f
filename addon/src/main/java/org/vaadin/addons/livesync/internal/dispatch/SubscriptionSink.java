package org.vaadin.addons.livesync.internal.dispatch;

/**
 * Applies what changed to what a view shows. Called only inside {@code UI.access} of the
 * subscription's UI (the session is locked), once per delivery, with all of one or more whole
 * transactions' changes for this subscription.
 *
 * @param <T> the entity type
 */
@FunctionalInterface
public interface SubscriptionSink<T> {

    /**
     * Applies the delta; a thrown exception is logged and affects no other subscription.
     *
     * @param delta what changed for the subscription
     */
    void apply(Delta<T> delta);
}
