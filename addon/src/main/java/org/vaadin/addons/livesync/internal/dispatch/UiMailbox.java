package org.vaadin.addons.livesync.internal.dispatch;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.ReloadCause;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.function.DeploymentConfiguration;
import com.vaadin.flow.function.SerializableRunnable;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.VaadinSessionState;

/**
 * The changes waiting for one UI. Deliveries merge into what is pending (per subscription, latest
 * wins; past {@code maxPending} row operations a subscription's delta turns into a reload), and at
 * most one {@code UI.access} is outstanding: so one transaction never reaches a UI in two pushes,
 * and a UI that falls behind costs bounded memory and converges when it catches up. It counts, in
 * {@link DeliveryStats}, the row operations so merged away, the reloads it applies, and how long
 * after their commit the changes were applied.
 * <p>
 * Thread-safe: {@link #post} runs on the delivery thread, {@link #drain} inside {@code UI.access} (on a
 * LiveSync UI thread when the session is free, else on the thread that holds the session lock).
 */
final class UiMailbox {

    private static final Logger LOG = LoggerFactory.getLogger(UiMailbox.class);

    private final UI ui;
    private final int maxPending;
    /** The {@code UI.access} that drains it: made when something first arrives (guarded by this). */
    private SerializableRunnable trigger;
    /** The UI's open subscriptions: null when none (changed only inside the dispatcher's compute of this UI). */
    private volatile SubscriptionSet subscriptions;
    /** What waits for the UI; an empty map until something arrives (most UIs wait for nothing most of the time). */
    private Map<Subscription<?>, Delta<?>> pending = Collections.emptyMap();
    private boolean scheduled;
    private long deliveries;

    private final Executor executor;
    private final DeliveryStats stats;
    private final Consumer<UiMailbox> onDetached;

    UiMailbox(UI ui, int maxPending, Executor executor, DeliveryStats stats, Consumer<UiMailbox> onDetached) {
        this.ui = ui;
        this.maxPending = maxPending;
        this.executor = executor;
        this.stats = stats;
        this.onDetached = onDetached;
    }

    /**
     * Checks, inside {@code UI.access}, whether the UI is closed or abandoned (its session closed,
     * or no heartbeat for three heartbeat intervals) and drops its subscriptions if so: for UIs whose
     * detach never came. A UI that is gone entirely is dropped by the access's detach handler.
     */
    void sweep() {
        SerializableRunnable probe = ui.accessLater(() -> {
            if (isAbandoned(ui)) {
                LOG.debug("UI {} is closed or abandoned: dropping its subscriptions", ui.getUIId());
                onDetached.accept(this);
            }
        }, () -> onDetached.accept(this));
        try {
            executor.execute(probe);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private static boolean isAbandoned(UI ui) {
        VaadinSession session = ui.getSession();
        if (session == null || ui.isClosing() || session.getState() != VaadinSessionState.OPEN) {
            return true;
        }
        DeploymentConfiguration configuration = session.getConfiguration();
        int interval = configuration == null ? -1 : configuration.getHeartbeatInterval();
        long last = ui.getInternals().getLastHeartbeatTimestamp();
        return interval > 0 && System.currentTimeMillis() - last > 3_000L * interval;
    }

    UI ui() {
        return ui;
    }

    /** {@return the UI's open subscriptions, as they are now} */
    Collection<Subscription<?>> subscriptions() {
        SubscriptionSet now = subscriptions;
        return now == null ? List.of() : now;
    }

    /** A subscription of the UI opened: inside the dispatcher's compute of this UI. */
    void subscribed(Subscription<?> subscription) {
        subscriptions = SubscriptionSet.with(subscriptions, subscription);
    }

    /** {@return whether the UI has no subscription left}: inside the dispatcher's compute of this UI. */
    boolean unsubscribed(Subscription<?> subscription) {
        SubscriptionSet now = subscriptions;
        subscriptions = now == null ? null : now.without(subscription);
        return subscriptions == null;
    }

    /** Merges one transaction's deltas and makes sure a {@code UI.access} will apply them. */
    void post(Map<Subscription<?>, Delta<?>> batch) {
        boolean schedule;
        SerializableRunnable access;
        synchronized (this) {
            batch.forEach(this::merge);
            schedule = !scheduled && !pending.isEmpty();
            scheduled |= schedule;
            if (schedule && trigger == null) {
                trigger = ui.accessLater(this::drain, () -> onDetached.accept(this));
            }
            access = trigger;
        }
        if (schedule) {
            LOG.trace("UI {}: scheduling an access", ui.getUIId());
            try {
                // UI.access runs the command at once when the session is free: on a UI thread of
                // ours, so that one UI's work (sync hooks, push) never holds up the delivery thread
                executor.execute(access);
            } catch (RejectedExecutionException e) {
                LOG.debug("UI {}: not delivered, LiveSync is stopping", ui.getUIId());
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void merge(Subscription<?> subscription, Delta<?> delta) {
        if (pending.isEmpty()) {
            pending = new LinkedHashMap<>();
        }
        Delta existing = pending.get(subscription);
        int before = delta.size();
        if (existing == null) {
            pending.put(subscription, delta);
            existing = delta;
        } else {
            before += existing.size();
            existing.mergeLater(delta);
        }
        if (existing.size() > maxPending) {
            existing.markReload(ReloadCause.MAX_PENDING);
        }
        stats.coalesced(before - existing.size()); // a reload holds no row operations
    }

    /** Row operations waiting, over all subscriptions. */
    synchronized int pendingOperations() {
        int sum = 0;
        for (Delta<?> delta : pending.values()) {
            sum += delta.reload() ? 1 : delta.size();
        }
        return sum;
    }

    /** Whether nothing waits for this UI (changes being applied right now hold its session lock). */
    synchronized boolean isIdle() {
        return !scheduled && pending.isEmpty();
    }

    /** How many times changes were applied to this UI. */
    synchronized long deliveries() {
        return deliveries;
    }

    /** Applies everything pending; runs inside {@code UI.access}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void drain() {
        Map<Subscription<?>, Delta<?>> batch;
        synchronized (this) {
            batch = pending;
            pending = Collections.emptyMap();
            scheduled = false;
            deliveries++;
        }
        LOG.trace("UI {}: applying {} subscription delta(s)", ui.getUIId(), batch.size());
        Instant oldestCommit = null;
        for (Map.Entry<Subscription<?>, Delta<?>> entry : batch.entrySet()) {
            Subscription subscription = entry.getKey();
            if (subscription.isClosed()) {
                continue;
            }
            Delta delta = entry.getValue();
            if (delta.reload()) {
                stats.reloaded(delta.reloadCause());
            }
            Instant committed = delta.commitTime();
            if (committed != null && (oldestCommit == null || committed.isBefore(oldestCommit))) {
                oldestCommit = committed;
            }
            try {
                delta.settleRemovals(subscription::holds); // after any load the view ran: what it holds now
                subscription.sink().apply(delta);
            } catch (RuntimeException e) {
                LOG.error("LiveSync could not apply changes to {}; other views are not affected", subscription, e);
            } finally {
                subscription.settle(delta.marks());
                if (delta.reload()) {
                    subscription.reloadHandled(); // also when the sink had nothing to load (a form showing no bean)
                }
            }
        }
        if (oldestCommit != null) {
            stats.applied(oldestCommit);
        }
    }
}
