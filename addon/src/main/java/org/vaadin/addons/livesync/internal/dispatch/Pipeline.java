package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.DeliverySettings;
import org.vaadin.addons.livesync.LiveSyncSettings;
import org.vaadin.addons.livesync.ReloadCause;
import org.vaadin.addons.livesync.internal.capture.Gap;
import org.vaadin.addons.livesync.internal.capture.ReplicationListener;
import org.vaadin.addons.livesync.internal.capture.TransactionConsumer;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.Overflow;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.internal.decode.TransactionAssembler;
import org.vaadin.addons.livesync.internal.events.EventBus;
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
 * up the delivery of a transaction to other UIs), and {@code livesync-events-N} threads that call
 * entity listeners ({@link EventBus}). Thread-safe.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    
    private final AtomicBoolean pushWarned = new AtomicBoolean();
    private final WatchRegistry registry;
    private final EntityFetcher fetcher;
    private final RowFinder finder;
    private final BadRows badRows = new BadRows();
    private final SaveGuard saveGuard;
    private final Dispatcher dispatcher;
    private final InterestFilter interest;
    private final EventBus events;
    private final DeliverySettings delivery;
    private final ReplicationListener listener;
    private final ExecutorService uiExecutor;
    private final SessionFactory sessionFactory;
    private final PoolReset poolReset;
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("livesync-maintenance").daemon().factory());

    private Pipeline(SessionFactory sessionFactory, LiveSyncSettings settings) {
        this.sessionFactory = sessionFactory;
        this.poolReset = new PoolReset(sessionFactory);
        this.delivery = settings.delivery();
        this.registry = WatchRegistry.of(sessionFactory);
        this.fetcher = new EntityFetcher(sessionFactory);
        this.finder = new RowFinder(fetcher);
        this.saveGuard = new SaveGuard(sessionFactory, fetcher);
        this.uiExecutor = Executors.newFixedThreadPool(delivery.uiThreads(),
                Thread.ofPlatform().name("livesync-ui-", 0).daemon().factory());
        this.dispatcher = new Dispatcher(fetcher, new XidVisibility(sessionFactory), badRows, delivery.maxPending(),
                uiExecutor, delivery.maxConcurrentReloads(), this::later, this::carriesOldKey);
        this.events = new EventBus(registry.entities().stream().map(WatchedEntity::type).collect(Collectors.toSet()),
                dispatcher::holderValues, this::carriesOldKey);
        this.interest = new InterestFilter(registry, dispatcher, dispatcher.fence(), events);
        CaptureSettings capture = settings.capture();
        CaptureSettings withTables = capture.requiredTables().isEmpty()
                ? capture.withRequiredTables(registry.tables()) : capture;
        this.listener = ReplicationListener.create(withTables, new Consumer());
    }

    /**
     * Creates the pipeline for the {@link org.vaadin.addons.livesync.Watched} entities of
     * {@code entityManagerFactory}, reading the database that the capture settings name and
     * delivering as the delivery settings say. Not started.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a {@code SessionFactory} is
     *     one)
     * @param settings where the database is and how to read from it
     * @return the pipeline, not started
     * @throws org.vaadin.addons.livesync.WatchConfigurationException for a wrong declaration
     * @throws IllegalArgumentException for capture settings that cannot run (a permanent slot without a name)
     */
    public static Pipeline create(EntityManagerFactory entityManagerFactory, LiveSyncSettings settings) {
        return new Pipeline(entityManagerFactory.unwrap(SessionFactory.class), settings);
    }

    /**
     * Whether the WAL carries the old subscription key of the entity's changes, as the catalog tells
     * (see {@link WatchRegistry#carriesOldKey}); null when it cannot tell (the database is away, the
     * table missing). One short query on a connection of the application's pool.
     */
    private Boolean carriesOldKey(WatchedEntity<?> entity) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            return session.doReturningWork(connection -> registry.carriesOldKey(connection, entity)).orElse(null);
        } catch (RuntimeException e) {
            LOG.debug("Could not read the replica identity of {} ({}): told by its changes instead",
                    entity.qualifiedTable(), BadRows.rootMessage(e));
            return null;
        }
    }

    /** Starts reading in the background; see {@link ReplicationListener#start()}. */
    public void start() {
        if (registry.isEmpty()) {
            LOG.warn("LiveSync found no entity annotated @Watched: views will load but never update");
        }
        listener.start();
        long sweep = delivery.sweepInterval().toMillis();
        maintenance.scheduleWithFixedDelay(dispatcher::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** Stops reading and drops the slot. Idempotent. */
    public void stop() {
        listener.stop();
        events.stop();
        uiExecutor.shutdownNow();
        maintenance.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /** {@return the watched entities} */
    public WatchRegistry registry() {
        return registry;
    }

    /** {@return the dispatcher: registrations and counters} */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * {@return how many watches (lists, beans, lazy Grids) have a reload to do that the pipeline
     *     asked for (after an interruption of the stream or an overflow), waiting for their turn or
     *     running}
     */
    public int resyncing() {
        return dispatcher.reloadGate().resyncing();
    }

    /** {@return the settings it delivers with} */
    public DeliverySettings deliverySettings() {
        return delivery;
    }

    /** {@return the entity listeners: code that is not a view and receives events} */
    public EventBus events() {
        return events;
    }

    /** {@return row changes of watched tables received from the stream since start, before any was filtered out} */
    public long rowsReceived() {
        return interest.received();
    }

    /**
     * {@return what the interest filter holds for transactions read but not yet delivered (rows on their way to a
     *     view, and the like): zero once every transaction read was delivered or skipped}
     */
    public int interestEntries() {
        return interest.entries();
    }

    /** {@return the replication listener: state, problems and counters} */
    public ReplicationListener listener() {
        return listener;
    }

    /** {@return the {@code livesync-ui-N} threads, for work that ends in {@code UI.access} (shut down by {@link #stop()})} */
    public Executor uiExecutor() {
        return uiExecutor;
    }

    /** {@return whether changes currently flow} */
    public boolean isLive() {
        return listener.state() == CaptureState.STREAMING;
    }

    /**
     * The watched entity for a class.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @return the watched entity for a class
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
     * @param <T> the entity type
     * @param entity the watched entity
     * @param id the row's id
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @return the private instance, or null
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
     * @param <T> the entity type
     * @param entity the watched entity
     * @param ids the rows' ids
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @return the private instances, in the order of {@code ids}
     * @throws IllegalArgumentException if an id cannot be converted to the entity's id type
     */
    public <T> List<T> findAll(WatchedEntity<T> entity, Collection<?> ids, Object subscriptionValue) {
        return finder.findAll(entity, ids, subscriptionValue);
    }

    /**
     * The value a view subscribes to {@code entity} with: the constant of a global entity whatever
     * the view's value, the view's value otherwise; see {@link WatchedEntity#subscriptionValueFor}.
     *
     * @param entity the watched entity
     * @param viewValue the view's subscription value
     * @return the value a view subscribes to {@code entity} with: the constant of a global entity whatever the view's
     *     value, the view's value otherwise; see {@link WatchedEntity#subscriptionValueFor}
     * @throws IllegalArgumentException if the entity is keyed and {@code viewValue} is null
     */
    public Object subscriptionValueFor(WatchedEntity<?> entity, Object viewValue) {
        return entity.subscriptionValueFor(viewValue);
    }

    /**
     * The attributes whose values differ between two versions of a row (for lazy views: may it move?).
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param before the row as it was
     * @param after the row as it is now
     * @return the attributes whose values differ between two versions of a row (for lazy views: may it move?)
     */
    public <T> java.util.Set<String> changedAttributes(WatchedEntity<T> entity, T before, T after) {
        return fetcher.changedAttributes(entity, before, after);
    }

    /**
     * A row as it was before an update, when the WAL carried the whole old row (REPLICA IDENTITY
     * FULL) and every changed column is a plain attribute; a private copy.
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param after the row after the update (not changed)
     * @param changes what the WAL told of the update
     * @return the row before the update, or null when it cannot be rebuilt
     */
    public <T> T before(WatchedEntity<T> entity, T after, ColumnChanges changes) {
        return fetcher.before(entity, after, changes);
    }

    /**
     * The columns of the entity's table that hold these attributes (as sort orders name them).
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param attributes attribute names
     * @return the column names as stored, or null when an attribute is not a column of the table
     */
    public <T> java.util.Set<String> columnsOf(WatchedEntity<T> entity, java.util.Collection<String> attributes) {
        return fetcher.columnsOf(entity, attributes);
    }

    /**
     * A private copy of a row for a view (its loaded association graph copied with it).
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param row a loaded instance of the entity
     * @return a private copy of a row for a view (its loaded association graph copied with it)
     */
    public <T> T copy(WatchedEntity<T> entity, T row) {
        return fetcher.copy(entity, row);
    }

    /**
     * The database's current snapshot (one short query on a connection of the application's pool):
     * taken before and after a count, it tells which delivered transactions the count saw.
     *
     * @return the snapshot a query starting now would see
     */
    public Snapshot snapshot() {
        return Snapshot.now(sessionFactory);
    }

    /**
     * Runs {@code task} after {@code delay} on one of the UI threads (it must still hand UI work to
     * {@code UI.access}, which runs it right there when the session is free): not on the single
     * maintenance thread, which only keeps the time, so that the delayed refreshes of many views run
     * side by side like immediate ones.
     *
     * @param delay how long to wait
     * @param task what to run
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

    /**
     * {@return what forms save through: checks, in the saving transaction, that the row is still what the form
     *     loaded}
     */
    public SaveGuard saveGuard() {
        return saveGuard;
    }

    /**
     * Says once per application, clearly, when a UI showing live views has server push off: its
     * changes then appear only at the user's next interaction. Called by views when they attach.
     *
     * @param ui the UI a view was attached to
     */
    public void checkPush(UI ui) {
        if (!ui.getPushConfiguration().getPushMode().isEnabled() && pushWarned.compareAndSet(false, true)) {
            LOG.warn("LiveSync: server push is off, so live changes show only at the user's next interaction. "
                    + "Add @Push to your application's AppShellConfigurator class to see them at once.");
        }
    }

    /** Delivery-thread adapter from the listener to the dispatcher. */
    private final class Consumer implements TransactionConsumer {

        /** Delivery thread only: transactions handed to the dispatcher and not yet delivered (set aside), oldest first. */
        private final Set<Unfinished> unfinished = new LinkedHashSet<>();

        @Override
        public TransactionAssembler newAssembler() {
            // a group is one (table, subscription value): past maxPending changes its views reload anyway
            return new TransactionAssembler(interest, delivery.maxPending(), delivery.maxChangesPerTransaction());
        }

        @Override
        public void onTransaction(Transaction transaction) {
            Unfinished waiting = new Unfinished(transaction.commitLsn());
            Runnable release = interest.claim(transaction.xid());
            Runnable delivered = () -> {
                unfinished.remove(waiting);
                release.run();
            };
            unfinished.add(waiting);
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
                        transaction.commitTime(), events.select(changes, transaction.commitTime(), typesOf(transaction.overflow()),
                                notRead(transaction.overflow())),
                        delivered);
            } catch (RuntimeException e) {
                delivered.run();
                events.interrupted();
                LOG.error("Pipeline could not route transaction {} (xid {}); every view reloads to stay correct",
                        transaction.commitLsn(), transaction.xid(), e);
                dispatcher.reloadAll(ReloadCause.ERROR);
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

        /**
         * How many changes of watched entities the transaction did not keep, or 0 when not known: a
         * table that several entity types map gives each change as an event of each.
         */
        private long notRead(Overflow overflow) {
            if (overflow == null) {
                return 0;
            }
            Set<String> tables = tablesOf(overflow);
            return tables.stream().allMatch(table -> registry.entitiesOn(table).size() == 1) ? overflow.dropped() : 0;
        }

        /** The entity types on the tables whose changes the transaction did not all keep. */
        private Set<Class<?>> typesOf(Overflow overflow) {
            if (overflow == null) {
                return Set.of();
            }
            Set<Class<?>> types = new LinkedHashSet<>();
            tablesOf(overflow).forEach(table -> registry.entitiesOn(table).forEach(entity -> types.add(entity.type())));
            return types;
        }

        private static Set<String> tablesOf(Overflow overflow) {
            Set<String> tables = new LinkedHashSet<>();
            overflow.relations().forEach(relation -> tables.add(relation.qualifiedName()));
            for (Object group : overflow.groups()) {
                if (group instanceof InterestFilter.Group(String table, Object value)) {
                    tables.add(table);
                }
            }
            return tables;
        }

        @Override
        public void onSkipped(Transaction transaction) {
            interest.claim(transaction.xid()).run();
        }

        @Override
        public Lsn oldestUnfinished() {
            return unfinished.isEmpty() ? Lsn.INVALID : unfinished.iterator().next().commit();
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
            if (gap.serverRestarted()) {
                // before anything borrows from it: the rows of the next change, the views' reloads
                poolReset.serverRestarted();
            }
            if (gap.continuous()) {
                LOG.info("Pipeline stream resumed from its slot after an interruption ({}) without missing a"
                        + " change: no view reloads", gap.reason());
                return;
            }
            if (!gap.initial()) {
                int listeners = events.listeners();
                LOG.info("Pipeline stream resumed after an interruption ({}): live views reload{}", gap.reason(),
                        listeners == 0 ? "" : ", " + listeners + " entity listener(s) are told they missed events");
            }
            dispatcher.reloadAll(ReloadCause.GAP);
            if (!gap.initial()) {
                events.interrupted();
            }
        }
    }

    /** A transaction handed to the dispatcher and not yet delivered; compared by identity (a stream may read one again). */
    private static final class Unfinished {
        private final Lsn commit;

        Unfinished(Lsn commit) {
            this.commit = commit;
        }

        Lsn commit() {
            return commit;
        }
    }
}
