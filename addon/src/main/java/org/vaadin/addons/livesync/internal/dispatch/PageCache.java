package org.vaadin.addons.livesync.internal.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What lazy views of the same subscription value and the same query share: the result of a page
 * (or count) query, valid until a change of that value (or of the whole type) is routed. The value
 * is the one the entity's changes are routed under ({@link Subscription#value()}: the constant
 * {@link org.vaadin.addons.livesync.internal.watch.WatchedEntity#GLOBAL} for a global entity, not the
 * view's own value), since that is the value {@link #changed} is told. The query key must tell apart
 * everything the result depends on besides the type and that value (the view's own value when it
 * differs, the lazy provider's key and fetch code, offset, limit, sort, filter). Views
 * showing the same (value, sort, filter, range) after one transaction therefore cost one query,
 * however many they are: the first computes, the others — also those asking while it runs —
 * reuse its result. Bounded: the {@value #MAX_ENTRIES} most recently used results.
 * <p>
 * A view that refreshes because of a change it received may take a result older than the newest
 * change of the value: {@link #get(Class, Object, Object, Stamp, Supplier) get} with the
 * {@link Stamp} its last relevant change was routed at accepts any result computed after it. The
 * changes routed since were ones the view found cannot alter its range (a row outside its filter
 * before and after, or one off screen that kept its place), and such a change cannot alter the
 * result of an equal query either; one it has not applied yet that does makes it refresh again. So
 * under a stream of unrelated changes the views of one value showing the same range still share one
 * query per relevant change, instead of one per view.
 * <p>
 * Thread-safe: UI threads look up and compute, the delivery thread {@link #changed bumps versions}.
 * For internal use only.
 */
public final class PageCache {

    static final int MAX_ENTRIES = 1_000;

    /** An empty cache. */
    public PageCache() {
    }

    /** A cached result with the versions it was computed at. */
    private record Cached(Stamp stamp, CompletableFuture<Object> result) {
    }

    /**
     * The versions of a (type, value) at a moment: a result computed at or after them saw every
     * change routed up to then.
     *
     * @param type  the version of the type's changes of unknown value
     * @param value the version of the value's changes
     */
    public record Stamp(long type, long value) {

        /**
         * The later of two stamps of the same (type, value).
         *
         * @param a a stamp, or null
         * @param b a stamp, or null
         * @return the one with the higher versions (each taken from either), or the other when one is null
         */
        public static Stamp latest(Stamp a, Stamp b) {
            if (a == null) {
                return b;
            }
            if (b == null) {
                return a;
            }
            return new Stamp(Math.max(a.type, b.type), Math.max(a.value, b.value));
        }

        private boolean covers(Stamp atLeast) {
            return type >= atLeast.type && value >= atLeast.value;
        }
    }

    private record Key(Class<?> type, Object value, Object query) {
    }

    private record Value(Class<?> type, Object value) {
    }

    private final Map<Class<?>, AtomicLong> typeVersions = new ConcurrentHashMap<>();
    private final Map<Value, AtomicLong> valueVersions = new ConcurrentHashMap<>();
    private final Map<Key, Cached> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
            return size() > MAX_ENTRIES;
        }
    };
    private final AtomicLong computed = new AtomicLong();
    private final AtomicLong shared = new AtomicLong();

    /** Delivery thread: a change of {@code type} with subscription value {@code value} was routed. */
    void changed(Class<?> type, Object value) {
        AtomicLong version = valueVersions.get(new Value(type, value));
        if (version != null) {
            version.incrementAndGet();
        }
    }

    /** Delivery thread: a change of {@code type} whose subscription value is not known was routed. */
    void changedAll(Class<?> type) {
        typeVersions.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
    }

    /**
     * The versions of (type, value) now, for {@link #get(Class, Object, Object, Stamp, Supplier)}.
     * Delivery thread, after routing a change (it includes that change's bumps), or any thread.
     *
     * @param type the watched entity type
     * @param value the subscription value the entity's changes are routed under
     * @return the versions of (type, value) now
     */
    public Stamp stamp(Class<?> type, Object value) {
        return new Stamp(typeVersions.computeIfAbsent(type, t -> new AtomicLong()).get(),
                valueVersions.computeIfAbsent(new Value(type, value), v -> new AtomicLong()).get());
    }

    /**
     * The result of {@code query} for (type, value): the shared one when nothing of that value
     * changed since it was computed, else {@code compute}'s (which others may then share). Whether
     * the caller got its own result is told by {@link Result#own()}.
     *
     * @param <R> the root component's type
     * @param type the watched entity type
     * @param value the subscription value the entity's changes are routed under (see the class description)
     * @param query the query, as the cache compares queries (equal queries share a result)
     * @param compute runs the query when no shared result is valid
     * @return the result of {@code query} for (type, value): the shared one when nothing of that value changed since
     *     it was computed, else {@code compute}'s (which others may then share)
     */
    public <R> Result<R> get(Class<?> type, Object value, Object query, Supplier<R> compute) {
        return get(type, value, query, null, compute);
    }

    /**
     * The result of {@code query} for (type, value): a shared one computed at or after
     * {@code atLeast} (or, when it is null, at the current versions), else {@code compute}'s (which
     * others may then share). Whether the caller got its own result is told by {@link Result#own()}.
     *
     * @param <R> the root component's type
     * @param type the watched entity type
     * @param value the subscription value the entity's changes are routed under (see the class description)
     * @param query the query, as the cache compares queries (equal queries share a result)
     * @param atLeast the oldest versions a shared result may be computed at: the stamp of the last change the
     *     caller found may alter the result (see the class description), or null for the current ones
     * @param compute runs the query when no shared result is valid
     * @return a shared result computed at or after {@code atLeast}, else {@code compute}'s
     */
    @SuppressWarnings("unchecked")
    public <R> Result<R> get(Class<?> type, Object value, Object query, Stamp atLeast, Supplier<R> compute) {
        Key key = new Key(type, value, query);
        Stamp now = stamp(type, value);
        Stamp needed = atLeast != null ? atLeast : now;
        CompletableFuture<Object> mine = new CompletableFuture<>();
        Cached found;
        synchronized (entries) {
            found = entries.get(key);
            if (found == null || !found.stamp().covers(needed) || found.result().isCompletedExceptionally()) {
                entries.put(key, new Cached(now, mine));
                found = null;
            }
        }
        if (found != null) {
            shared.incrementAndGet();
            return new Result<>((R) found.result().join(), false);
        }
        try {
            R result = compute.get();
            mine.complete(result);
            computed.incrementAndGet();
            return new Result<>(result, true);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** {@return queries computed since start} */
    public long computed() {
        return computed.get();
    }

    /** {@return results reused by another view since start} */
    public long shared() {
        return shared.get();
    }

    /**
     * A looked-up result.
     *
     * @param <R> the root component's type
     * @param value the result
     * @param own   whether the caller computed it (else it is shared: copy what it holds before use)
     */
    public record Result<R>(R value, boolean own) {
    }
}
