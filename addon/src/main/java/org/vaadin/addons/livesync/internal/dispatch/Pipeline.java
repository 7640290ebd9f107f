package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hibernate.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.internal.capture.Gap;
import org.vaadin.addons.livesync.internal.capture.ReplicationListener;
import org.vaadin.addons.livesync.internal.capture.TransactionConsumer;
import org.vaadin.addons.livesync.internal.decode.Overflow;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.internal.decode.TransactionAssembler;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchRegistry;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;

import jakarta.persistence.EntityManagerFactory;

/**
 * The running pipeline behind {@link org.vaadin.addons.livesync.LiveSync}: the
 * {@link ReplicationListener} reads committed transactions, the {@link WatchRegistry} turns them
 * into entity changes, and the {@link Dispatcher} delivers them to the views. For internal use
 * only: applications use {@link org.vaadin.addons.livesync.LiveSync}.
 * <p>
 * Threads: the listener's reader and delivery threads, and a small pool of {@code livesync-ui-N}
 * threads that run {@code UI.access} for sessions whose lock is free (a UI's own work never holds
 * up the delivery of a transaction to other UIs). Thread-safe.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    
    /** Row operations a subscription may have waiting before its delta turns into a reload. */
    public static final int DEFAULT_MAX_PENDING = 10_000;
    /** Row changes one transaction keeps for routing, in all; past it, the views of the tables concerned reload. */
    public static final int MAX_CHANGES_PER_TRANSACTION = 100_000;

    private final AtomicBoolean pushWarned = new AtomicBoolean();
    private final WatchRegistry registry;
    private final EntityFetcher fetcher;
    private final RowFinder finder;
    private final BadRows badRows = new BadRows();
    private final SaveGuard saveGuard;
    private final Dispatcher dispatcher;
    private final InterestFilter interest;
    private final int maxPending;
    private final ReplicationListener listener;
    private final ExecutorService uiExecutor;
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("livesync-maintenance").daemon().factory());

    private Pipeline(SessionFactory sessionFactory, CaptureSettings settings, int maxPending) {
        this.registry = WatchRegistry.of(sessionFactory);
        this.fetcher = new EntityFetcher(sessionFactory);
        this.finder = new RowFinder(fetcher);
        this.saveGuard = new SaveGuard(sessionFactory, fetcher);
        this.uiExecutor = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().name("livesync-ui-", 0).daemon().factory());
        this.maxPending = maxPending;
        this.dispatcher = new Dispatcher(fetcher, new XidVisibility(sessionFactory), badRows, maxPending, uiExecutor);
        this.interest = new InterestFilter(registry, dispatcher, dispatcher.fence());
        CaptureSettings withTables = settings.requiredTables().isEmpty()
                ? settings.withRequiredTables(registry.tables()) : settings;
        this.listener = ReplicationListener.create(withTables, new Consumer());
    }

    /**
     * Creates the pipeline for the {@link org.vaadin.addons.livesync.Watched} entities of
     * {@code entityManagerFactory}, reading the database that {@code settings} name. Not started.
     *
     * @throws org.vaadin.addons.livesync.WatchConfigurationException for a wrong declaration
     */
    public static Pipeline create(EntityManagerFactory entityManagerFactory, CaptureSettings settings) {
        return create(entityManagerFactory, settings, DEFAULT_MAX_PENDING);
    }

    /** As {@link #create(EntityManagerFactory, CaptureSettings)}, with the coalescing bound per subscription. */
    public static Pipeline create(EntityManagerFactory entityManagerFactory, CaptureSettings settings, int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        return new Pipeline(entityManagerFactory.unwrap(SessionFactory.class), settings, maxPending);
    }

    /** Starts reading in the background; see {@link ReplicationListener#start()}. */
    public void start() {
        if (registry.isEmpty()) {
            LOG.warn("LiveSync found no entity annotated @Watched: views will load but never update");
        }
        listener.start();
        maintenance.scheduleWithFixedDelay(dispatcher::sweep, 30, 30, TimeUnit.SECONDS);
    }

    /** Stops reading and drops the slot. Idempotent. */
    public void stop() {
        listener.stop();
        uiExecutor.shutdownNow();
        maintenance.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /** The watched entities. */
    public WatchRegistry registry() {
        return registry;
    }

    /** The dispatcher: registrations and counters. */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The replication listener: state, problems and counters. */
    public ReplicationListener listener() {
        return listener;
    }

    /** Whether changes currently flow. */
    public boolean isLive() {
        return listener.state() == CaptureState.STREAMING;
    }

    /**
     * The watched entity for a class.
     *
     * @throws IllegalArgumentException if the class is not a {@code @Watched} entity
     */
    public <T> WatchedEntity<T> entity(Class<T> type) {
        return registry.find(type).orElseThrow(() -> new IllegalArgumentException(type.getName()
                + " is not a watched entity: annotate it with @Watched(subscriptionKey = \"...\") (or, for reference"
                + " data every user may see, @Watched(global = true)) and make sure it is "
                + "an entity of the EntityManagerFactory given to LiveSync"));
    }

    /**
     * Loads one row as a new, private entity instance, or null when it does not exist or its
     * subscription key is not {@code subscriptionValue}: a view never receives another tenant's row
     * (any row of a global entity belongs to every view). An id of another Java type is converted.
     *
     * @throws IllegalArgumentException if the id cannot be converted to the entity's id type
     */
    public <T> T find(WatchedEntity<T> entity, Object id, Object subscriptionValue) {
        return finder.find(entity, id, subscriptionValue);
    }

    /**
     * Loads the rows of {@code ids} as new, private instances, in the order of {@code ids}, leaving
     * out those that do not exist or do not belong to {@code subscriptionValue} (as {@link #find});
     * one query per thousand ids. For a set of records watched one by one: subscribe with
     * {@link Dispatcher#subscribeToHeldRows}, {@link Subscription#hold} the ids, then load them.
     *
     * @throws IllegalArgumentException if an id cannot be converted to the entity's id type
     */
    public <T> List<T> findAll(WatchedEntity<T> entity, Collection<?> ids, Object subscriptionValue) {
        return finder.findAll(entity, ids, subscriptionValue);
    }

    /**
     * The value a view subscribes to {@code entity} with: the constant of a global entity whatever
     * the view's value, the view's value otherwise; see {@link WatchedEntity#subscriptionValueFor}.
     *
     * @throws IllegalArgumentException if the entity is keyed and {@code viewValue} is null
     */
    public Object subscriptionValueFor(WatchedEntity<?> entity, Object viewValue) {
        return entity.subscriptionValueFor(viewValue);
    }

    /** The attributes whose values differ between two versions of a row (for lazy views: may it move?). */
    public <T> java.util.Set<String> changedAttributes(WatchedEntity<T> entity, T before, T after) {
        return fetcher.changedAttributes(entity, before, after);
    }

    /** A private copy of a row for a view (its loaded association graph copied with it). */
    public <T> T copy(WatchedEntity<T> entity, T row) {
        return fetcher.copy(entity, row);
    }

    /**
     * Runs {@code task} after {@code delay} on one of the UI threads (it must still hand UI work to
     * {@code UI.access}, which runs it right there when the session is free): not on the single
     * maintenance thread, which only keeps the time, so that the delayed refreshes of many views run
     * side by side like immediate ones.
     */
    public void later(java.time.Duration delay, Runnable task) {
        try {
            maintenance.schedule(() -> {
                try {
                    uiExecutor.execute(task);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // stopping
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** What forms save through: checks, in the saving transaction, that the row is still what the form loaded. */
    public SaveGuard saveGuard() {
        return saveGuard;
    }

    /**
     * Says once per application, clearly, when a UI showing live views has server push off: its
     * changes then appear only at the user's next interaction. Called by views when they attach.
     */
    public void checkPush(UI ui) {
        if (!ui.getPushConfiguration().getPushMode().isEnabled() && pushWarned.compareAndSet(false, true)) {
            LOG.warn("LiveSync: server push is off, so live changes show only at the user's next interaction. "
                    + "Add @Push to your application's AppShellConfigurator class to see them at once.");
        }
    }

    /** Delivery-thread adapter from the listener to the dispatcher. */
    private final class Consumer implements TransactionConsumer {

        @Override
        public TransactionAssembler newAssembler() {
            // a group is one (table, subscription value): past maxPending changes its views reload anyway
            return new TransactionAssembler(interest, maxPending, MAX_CHANGES_PER_TRANSACTION);
        }

        @Override
        public void onTransaction(Transaction transaction) {
            try {
                dispatcher.retryLate();
                List<EntityChange> changes = new ArrayList<>(transaction.changes().size());
                for (RowChange change : transaction.changes()) {
                    try {
                        changes.addAll(registry.changesOf(change));
                    } catch (IllegalArgumentException e) {
                        badRows.unreadable(change.relation().qualifiedName(), e);
                    }
                }
                dispatcher.dispatch(changes, overflowed(transaction.overflow()), transaction.xid(),
                        () -> interest.done(transaction.xid()));
            } catch (RuntimeException e) {
                interest.done(transaction.xid());
                LOG.error("Pipeline could not route transaction {} (xid {}); every view reloads to stay correct",
                        transaction.commitLsn(), transaction.xid(), e);
                dispatcher.reloadAll();
            }
        }

        /** The subscriptions whose changes the transaction did not keep: they reload. */
        private Set<Subscription<?>> overflowed(Overflow overflow) {
            if (overflow == null) {
                return Set.of();
            }
            LOG.debug("A transaction changed more rows than worth delivering one by one ({} not kept): {}",
                    overflow.dropped(), overflow);
            Set<Subscription<?>> reload = new LinkedHashSet<>();
            for (Object group : overflow.groups()) {
                if (group instanceof InterestFilter.Group(String table, Object value)) {
                    for (WatchedEntity<?> entity : registry.entitiesOn(table)) {
                        reload.addAll(dispatcher.subscriptionsOf(entity.type(), value));
                    }
                }
            }
            for (Relation relation : overflow.relations()) {
                for (WatchedEntity<?> entity : registry.entitiesOn(relation.qualifiedName())) {
                    reload.addAll(dispatcher.subscriptionsOf(entity.type(), InterestFilter.ANY));
                }
            }
            return reload;
        }

        @Override
        public boolean hasPendingWork() {
            return dispatcher.hasLateWork();
        }

        @Override
        public void onIdle() {
            dispatcher.retryLate();
        }

        @Override
        public void onGap(Gap gap) {
            if (!gap.initial()) {
                LOG.info("Pipeline stream resumed after an interruption ({}): live views reload", gap.reason());
            }
            dispatcher.reloadAll();
        }
    }
}
