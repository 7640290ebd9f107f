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
 * Thread-safe: UI threads look up and compute, the delivery thread {@link #changed bumps versions}.
 * For internal use only.
 */
public final class PageCache {

    static final int MAX_ENTRIES = 1_000;

    /** An empty cache. */
    public PageCache() {
    }

    /** A cached result with the versions it was computed at. */
    private record Cached(long typeVersion, long valueVersion, CompletableFuture<Object> result) {
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
    @SuppressWarnings("unchecked")
    public <R> Result<R> get(Class<?> type, Object value, Object query, Supplier<R> compute) {
        Key key = new Key(type, value, query);
        long typeVersion = typeVersions.computeIfAbsent(type, t -> new AtomicLong()).get();
        long valueVersion = valueVersions.computeIfAbsent(new Value(type, value), v -> new AtomicLong()).get();
        CompletableFuture<Object> mine = new CompletableFuture<>();
        Cached found;
        synchronized (entries) {
            found = entries.get(key);
            if (found == null || found.typeVersion() != typeVersion || found.valueVersion() != valueVersion
                    || found.result().isCompletedExceptionally()) {
                entries.put(key, new Cached(typeVersion, valueVersion, mine));
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
