package org.vaadin.addons.livesync.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.decode.ChangeKind;
import org.vaadin.addons.livesync.watch.EntityChange;
import org.vaadin.addons.livesync.watch.WatchedEntity;

import com.vaadin.flow.component.UI;

/**
 * Session-aware routing: which attached views receive a change. Views register a
 * {@link Subscription} per (entity type, subscription value); a transaction's changes are routed
 * through two indexes — by subscription value (inserts, updates, and moves whose old key the WAL
 * carries) and by the ids each view holds (deletes and moves whose old key it does not) — so the
 * work per transaction grows with the views it matches, not with all views. Changed rows are loaded
 * once per entity type and transaction ({@link EntityFetcher}), and a row is put into a view only
 * if its current subscription key equals the view's value: otherwise the view is told to remove
 * it. All of one transaction's changes for a UI travel in one {@code UI.access}.
 * <p>
 * Thread-safe: {@link #dispatch} and {@link #reloadAll} are called from the one delivery thread;
 * subscriptions register and close from UI threads.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final EntityFetcher fetcher;
    private final int maxPendingPerSubscription;
    /** entity type → subscription value → subscriptions. */
    private final Map<Class<?>, Map<Object, Set<Subscription<?>>>> byValue = new ConcurrentHashMap<>();
    /** entity type → id → subscriptions holding that row. */
    private final Map<Class<?>, Map<Object, Set<Subscription<?>>>> byHeldId = new ConcurrentHashMap<>();
    /** entity type → subscriptions whose first load is not done yet. */
    private final Map<Class<?>, Set<Subscription<?>>> loading = new ConcurrentHashMap<>();
    private final Map<UI, UiMailbox> mailboxes = new ConcurrentHashMap<>();
    private final Set<Subscription<?>> all = ConcurrentHashMap.newKeySet();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong deliveredRows = new AtomicLong();

    private final Executor uiExecutor;

    Dispatcher(EntityFetcher fetcher, int maxPendingPerSubscription, Executor uiExecutor) {
        this.fetcher = fetcher;
        this.maxPendingPerSubscription = maxPendingPerSubscription;
        this.uiExecutor = uiExecutor;
    }

    /**
     * Registers a view's interest. Call it before loading the view's data: changes that arrive
     * meanwhile are applied after the load (they wait for the UI's session lock).
     *
     * @throws IllegalArgumentException if the value's type does not match the entity's key type
     */
    public <T> Subscription<T> subscribe(UI ui, WatchedEntity<T> entity, Object value, SubscriptionSink<T> sink,
                                         String description) {
        return register(ui, entity, value, sink, description, true);
    }

    /**
     * Registers interest in the rows a view {@link Subscription#hold holds} only (e.g. the one record
     * of a form): it receives their updates, deletes and moves away, but no other row of the
     * subscription value. Hold the row before loading it.
     */
    public <T> Subscription<T> subscribeToHeldRows(UI ui, WatchedEntity<T> entity, Object value,
                                                   SubscriptionSink<T> sink, String description) {
        return register(ui, entity, value, sink, description, false);
    }

    private <T> Subscription<T> register(UI ui, WatchedEntity<T> entity, Object value, SubscriptionSink<T> sink,
                                         String description, boolean byValueToo) {
        Objects.requireNonNull(ui, "ui");
        Subscription.requireValue(value);
        if (!entity.keyType().isInstance(value)) {
            throw new IllegalArgumentException("The subscription value " + value + " is a "
                    + value.getClass().getSimpleName() + ", but " + entity.type().getSimpleName() + "."
                    + entity.keyAttribute() + " is a " + entity.keyType().getSimpleName()
                    + ": pass a value of that type, or no row would ever match");
        }
        Subscription<T> subscription = new Subscription<>(this, ui, entity, value, sink, description);
        mailboxes.compute(ui, (u, mailbox) -> {
            UiMailbox box = mailbox != null ? mailbox : new UiMailbox(u, maxPendingPerSubscription, uiExecutor, this::detached);
            box.subscriptions().add(subscription);
            return box;
        });
        if (byValueToo) {
            loading.computeIfAbsent(entity.type(), t -> ConcurrentHashMap.newKeySet()).add(subscription);
            byValue.computeIfAbsent(entity.type(), t -> new ConcurrentHashMap<>())
                    .computeIfAbsent(value, v -> ConcurrentHashMap.newKeySet()).add(subscription);
        }
        all.add(subscription);
        return subscription;
    }

    /**
     * Drops the subscriptions of UIs that are closed or abandoned but were never detached (a
     * session invalidated without Vaadin's session destroy, a tab gone without its heartbeat).
     * Asynchronous; {@link LiveSync} runs it every 30 s.
     */
    public void sweep() {
        mailboxes.values().forEach(UiMailbox::sweep);
    }

    /** Registered subscriptions: returns to zero when every view is detached. */
    public int registrations() {
        return all.size();
    }

    /** UIs with at least one subscription. */
    public int uis() {
        return mailboxes.size();
    }

    /** Entries in the held-id index, over all entity types. */
    public int heldIndexSize() {
        int sum = 0;
        for (Map<Object, Set<Subscription<?>>> ids : byHeldId.values()) {
            sum += ids.size();
        }
        return sum;
    }

    /** Database queries issued to load changed rows since start. */
    public long queries() {
        return queries.get();
    }

    /** Row operations handed to views since start. */
    public long deliveredRows() {
        return deliveredRows.get();
    }

    /**
     * UIs with changes routed to them but not yet applied (their {@code UI.access} is scheduled or
     * waiting for the session lock). Zero once every routed change was applied.
     */
    public int busyUis() {
        int busy = 0;
        for (UiMailbox mailbox : mailboxes.values()) {
            if (!mailbox.isIdle()) {
                busy++;
            }
        }
        return busy;
    }

    /** Row operations waiting for the UI, over all its subscriptions (0 for an unknown UI). */
    public int pendingFor(UI ui) {
        UiMailbox mailbox = mailboxes.get(ui);
        return mailbox == null ? 0 : mailbox.pendingOperations();
    }

    /** Routes one transaction's entity changes to the views they concern. Delivery thread only. */
    void dispatch(List<EntityChange> changes, long xid) {
        if (changes.isEmpty() || all.isEmpty()) {
            return;
        }
        Map<Subscription<?>, List<Op>> plan = new LinkedHashMap<>();
        Map<WatchedEntity<?>, Set<Object>> toFetch = new LinkedHashMap<>();
        for (EntityChange change : changes) {
            route(change, plan, toFetch);
        }
        if (plan.isEmpty()) {
            return;
        }
        Map<WatchedEntity<?>, Map<Object, ?>> fetched = new HashMap<>();
        toFetch.forEach((entity, ids) -> {
            queries.incrementAndGet();
            fetched.put(entity, fetcher.fetch(entity, ids, xid));
        });
        Map<UiMailbox, Map<Subscription<?>, Delta<?>>> byUi = new LinkedHashMap<>();
        plan.forEach((subscription, ops) -> {
            UiMailbox mailbox = mailboxes.get(subscription.ui());
            if (mailbox != null && !subscription.isClosed()) {
                byUi.computeIfAbsent(mailbox, m -> new LinkedHashMap<>())
                        .put(subscription, resolve(subscription, ops, fetched));
            }
        });
        if (LOG.isTraceEnabled()) {
            LOG.trace("Routed {} change(s) to {} subscription(s) in {} UI(s)", changes.size(), plan.size(), byUi.size());
        }
        byUi.forEach(UiMailbox::post);
    }

    /** Every subscription reloads through its loader: after a gap in the stream. */
    void reloadAll() {
        Map<UiMailbox, Map<Subscription<?>, Delta<?>>> byUi = new LinkedHashMap<>();
        for (Subscription<?> subscription : all) {
            UiMailbox mailbox = mailboxes.get(subscription.ui());
            if (mailbox != null) {
                Delta<?> reload = new Delta<>();
                reload.markReload();
                byUi.computeIfAbsent(mailbox, m -> new LinkedHashMap<>()).put(subscription, reload);
            }
        }
        byUi.forEach(UiMailbox::post);
    }

    /** An operation planned for one subscription, before the rows are loaded. */
    private record Op(ChangeKind kind, Object id) {
    }

    private void route(EntityChange change, Map<Subscription<?>, List<Op>> plan,
                       Map<WatchedEntity<?>, Set<Object>> toFetch) {
        Class<?> type = change.type();
        Set<Subscription<?>> targets = new LinkedHashSet<>();
        switch (change.kind()) {
            case TRUNCATE -> {
                // rare: every subscription of the type, including those that follow held rows only
                for (Subscription<?> s : all) {
                    if (s.entity().type() == type) {
                        plan.computeIfAbsent(s, k -> new ArrayList<>()).add(new Op(ChangeKind.TRUNCATE, null));
                    }
                }
                return;
            }
            case INSERT, UPDATE -> {
                if (change.newKeyKnown()) {
                    targets.addAll(subscribers(type, change.newKey()));
                } else {
                    targets.addAll(allOf(type));
                }
                addOldSide(change, targets);
                if (change.oldId() != null) {
                    for (Subscription<?> s : holders(type, change.oldId())) {
                        plan.computeIfAbsent(s, k -> new ArrayList<>()).add(new Op(ChangeKind.DELETE, change.oldId()));
                    }
                }
                if (change.id() == null || targets.isEmpty()) {
                    return;
                }
                toFetch.computeIfAbsent(change.entity(), e -> new LinkedHashSet<>()).add(change.id());
                for (Subscription<?> s : targets) {
                    plan.computeIfAbsent(s, k -> new ArrayList<>()).add(new Op(ChangeKind.UPDATE, change.id()));
                }
            }
            case DELETE -> {
                addOldSide(change, targets);
                for (Subscription<?> s : targets) {
                    plan.computeIfAbsent(s, k -> new ArrayList<>()).add(new Op(ChangeKind.DELETE, change.id()));
                }
            }
        }
    }

    /** The views that may show the row as it was: by its old key when known, else by who holds it. */
    private void addOldSide(EntityChange change, Set<Subscription<?>> targets) {
        Class<?> type = change.type();
        if (change.oldKeyKnown()) {
            targets.addAll(subscribers(type, change.oldKey()));
        }
        if (change.id() != null) {
            targets.addAll(holders(type, change.id()));
        }
        if (!change.oldKeyKnown()) {
            // a view still loading may be about to show the row: the removal is applied after its load
            targets.addAll(loading.getOrDefault(type, Set.of()));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Delta<?> resolve(Subscription<?> subscription, List<Op> ops, Map<WatchedEntity<?>, Map<Object, ?>> fetched) {
        Delta delta = new Delta<>();
        WatchedEntity entity = subscription.entity();
        Map<Object, ?> rows = fetched.getOrDefault(entity, Map.of());
        for (Op op : ops) {
            switch (op.kind()) {
                case TRUNCATE -> delta.clear();
                case DELETE -> delta.remove(op.id());
                default -> {
                    Object row = rows.get(op.id());
                    if (row != null && Objects.equals(entity.keyOf(row), subscription.value())) {
                        delta.put(op.id(), fetcher.copy(entity, row));
                        // held from now on, not only once the UI applied it: a delete or move that
                        // follows before then must find this view too
                        subscription.markPending(op.id());
                        delta.mark(op.id());
                    } else {
                        delta.remove(op.id());
                    }
                }
            }
        }
        deliveredRows.addAndGet(delta.size());
        return delta;
    }

    private Set<Subscription<?>> subscribers(Class<?> type, Object value) {
        if (value == null) {
            return Set.of();
        }
        Map<Object, Set<Subscription<?>>> values = byValue.get(type);
        Set<Subscription<?>> found = values == null ? null : values.get(value);
        return found == null ? Set.of() : found;
    }

    private Set<Subscription<?>> holders(Class<?> type, Object id) {
        Map<Object, Set<Subscription<?>>> ids = byHeldId.get(type);
        Set<Subscription<?>> found = ids == null ? null : ids.get(id);
        return found == null ? Set.of() : found;
    }

    private List<Subscription<?>> allOf(Class<?> type) {
        Map<Object, Set<Subscription<?>>> values = byValue.get(type);
        if (values == null) {
            return List.of();
        }
        List<Subscription<?>> found = new ArrayList<>();
        values.values().forEach(found::addAll);
        return found;
    }

    void indexHolder(Subscription<?> subscription, Object id) {
        byHeldId.computeIfAbsent(subscription.entity().type(), t -> new ConcurrentHashMap<>())
                .computeIfAbsent(id, i -> ConcurrentHashMap.newKeySet()).add(subscription);
    }

    void unindexHolder(Subscription<?> subscription, Object id) {
        Map<Object, Set<Subscription<?>>> ids = byHeldId.get(subscription.entity().type());
        if (ids != null) {
            ids.computeIfPresent(id, (i, set) -> {
                set.remove(subscription);
                return set.isEmpty() ? null : set;
            });
        }
    }

    void loaded(Subscription<?> subscription) {
        Set<Subscription<?>> set = loading.get(subscription.entity().type());
        if (set != null) {
            set.remove(subscription);
        }
    }

    void unregister(Subscription<?> subscription) {
        Set<Object> indexed = subscription.closeAndDrainIndexed();
        if (!all.remove(subscription)) {
            return;
        }
        loaded(subscription);
        Map<Object, Set<Subscription<?>>> values = byValue.get(subscription.entity().type());
        if (values != null) {
            values.computeIfPresent(subscription.value(), (v, set) -> {
                set.remove(subscription);
                return set.isEmpty() ? null : set;
            });
        }
        for (Object id : indexed) {
            unindexHolder(subscription, id);
        }
        mailboxes.computeIfPresent(subscription.ui(), (ui, mailbox) -> {
            mailbox.subscriptions().remove(subscription);
            return mailbox.subscriptions().isEmpty() ? null : mailbox;
        });
    }

    private void detached(UiMailbox mailbox) {
        LOG.debug("UI {} detached with changes pending: dropping its subscriptions", mailbox.ui().getUIId());
        for (Subscription<?> s : List.copyOf(mailbox.subscriptions())) {
            s.close();
        }
        mailboxes.remove(mailbox.ui(), mailbox);
    }
}
