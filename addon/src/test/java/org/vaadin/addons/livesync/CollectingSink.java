package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.vaadin.addons.livesync.internal.dispatch.Delta;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.dispatch.SubscriptionSink;

/**
 * What an engine-level test subscription shows: the deltas applied in order, as a view applies
 * them (a put is held, a removal released, a reload loads again through {@code reloader}). Used on
 * the subscription's UI thread only, like a view; the test reads it after {@code quiesce()}.
 *
 * @param <T> the entity type
 */
final class CollectingSink<T> implements SubscriptionSink<T> {

    private final Supplier<? extends Collection<T>> reloader;
    private final java.util.function.Function<T, Object> idOf;
    private final Map<Object, T> rows = new LinkedHashMap<>();
    private final List<Delta<T>> deltas = new ArrayList<>();
    private Subscription<T> subscription;
    private int reloads;

    /** @param reloader what a reload loads; {@code idOf} the rows' ids */
    CollectingSink(Supplier<? extends Collection<T>> reloader, java.util.function.Function<T, Object> idOf) {
        this.reloader = reloader;
        this.idOf = idOf;
    }

    /** Shows the rows {@code subscription} follows, as a view's first load would. */
    CollectingSink<T> following(Subscription<T> subscription, Collection<T> loaded) {
        this.subscription = subscription;
        loaded.forEach(row -> rows.put(idOf.apply(row), row));
        subscription.hold(rows.keySet());
        return this;
    }

    @Override
    public void apply(Delta<T> delta) {
        deltas.add(delta);
        if (delta.reload()) {
            reloads++;
            subscription.releaseAll();
            rows.clear();
            following(subscription, reloader.get());
            return;
        }
        if (delta.cleared()) {
            subscription.releaseAll();
            rows.clear();
        }
        delta.removals().forEach(rows::remove);
        subscription.release(delta.removals());
        rows.putAll(delta.puts());
        subscription.hold(delta.puts().keySet());
    }

    /** The rows shown now, in the order they arrived. */
    List<T> rows() {
        return List.copyOf(rows.values());
    }

    /** The deltas applied so far. */
    List<Delta<T>> deltas() {
        return List.copyOf(deltas);
    }

    int reloads() {
        return reloads;
    }
}
