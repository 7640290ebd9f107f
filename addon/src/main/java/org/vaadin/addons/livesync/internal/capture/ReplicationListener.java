package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.internal.decode.TransactionAssembler;

/**
 * Reads PostgreSQL logical replication (pgoutput) into {@link Transaction}s and hands them, in
 * commit order, to a {@link TransactionConsumer}.
 * <p>
 * Two threads: the <em>reader</em> only reads, decodes and hands over to a bounded queue (when the
 * queue is full it stops reading but keeps the connection alive); the <em>delivery</em> thread
 * calls the consumer. A transaction's end LSN is confirmed to the server only after the consumer
 * returned from it (and once more when the listener stops, so that a permanent slot resumes right
 * after it), and never past the commit of the oldest transaction the consumer has not finished
 * with ({@link TransactionConsumer#oldestUnfinished()}, e.g. set aside until it is visible): a
 * permanent slot sends that one again after a stop or crash. While nothing is pending or waiting,
 * the reader confirms the server's WAL end so that writes to unpublished tables do not make the
 * slot retain WAL. An idle connection gets a status update every
 * second, which is how a connection the server closed is noticed.
 * <p>
 * Before starting, and before each reconnect, a {@link Preflight} runs; its problems are logged
 * once, clearly, and the listener keeps retrying (state {@link CaptureState#NOT_READY}) so that live
 * sync starts by itself once the database is fixed or back; see {@link
 * CaptureSettings#withReconnectBackoff} for how often. After any interruption it reconnects and sends
 * a {@link Gap} before the first transaction of the new stream; a transaction cut in half by a
 * broken connection is dropped, never delivered in part. Each stream is judged by its own positions:
 * only a stream that provably continues the previous one's history (the same server and timeline,
 * a permanent slot that existed before) skips the transactions the previous stream already
 * delivered; any other starts fresh, so that a failover to a server with lower positions loses
 * nothing.
 * <p>
 * Each listener has a random instance id, carried in its replication connections'
 * {@code application_name}; it takes over a slot only from a connection of its own (a stale one,
 * after a network stall), never from anybody else's ({@link PreflightProblem.Kind#SLOT_IN_USE}).
 * While streaming, {@link #warnings()} says what impairs it (heartbeats that cannot be written, a
 * publication changed meanwhile).
 * <p>
 * Thread-safe: {@link #start()}, {@link #stop()} and the getters may be called from any thread.
 */
public final class ReplicationListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationListener.class);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final Duration CONFIRM_EVERY = Duration.ofSeconds(1);
    private static final Duration PROBE_IDLE_CONNECTION_EVERY = Duration.ofSeconds(1);

    private final CaptureSettings settings;
    private final TransactionConsumer consumer;
    private final Handover handover;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicReference<CaptureState> state = new AtomicReference<>(CaptureState.NEW);
    private final AtomicReference<List<PreflightProblem>> problems = new AtomicReference<>(List.of());
    private final AtomicReference<ReplicationSession> session = new AtomicReference<>();
    /** The end LSN of the last transaction the consumer returned from (delivery thread writes). */
    private final AtomicLong handled = new AtomicLong();
    /**
     * What may be confirmed: {@link #handled}, but not past the consumer's oldest unfinished
     * transaction (delivery thread writes).
     */
    private final AtomicLong confirmable = new AtomicLong();
    /** The consumer's oldest unfinished transaction's commit, or {@link Lsn#INVALID} (delivery thread writes). */
    private volatile Lsn unfinished = Lsn.INVALID;
    /** A position before which every change was delivered (reader writes, when idle). */
    private final AtomicLong caughtUp = new AtomicLong();
    /** Items (gaps and transactions) the reader put into the handover, and those the delivery thread finished. */
    private final AtomicLong itemsPut = new AtomicLong();
    private final AtomicLong itemsDone = new AtomicLong();
    private final AtomicLong transactionsDelivered = new AtomicLong();
    private final AtomicLong transactionsSkipped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    /** The last transaction the consumer returned from (delivery thread writes). */
    private volatile Commit lastCommit;
    private volatile Runnable onStateChange = () -> { };
    private final Heartbeat heartbeat;
    private final PublicationWatch publicationWatch;
    private final SlotJanitor janitor;
    /** The last preflight's warnings (retention unbounded, standby feedback off); see {@link #notePreflightWarnings}. */
    private volatile List<PreflightProblem> preflightWarnings = List.of();
    private final String instanceId;
    private volatile boolean running;
    private Thread reader;
    private Thread delivery;

    private ReplicationListener(CaptureSettings settings, TransactionConsumer consumer) {
        Objects.requireNonNull(settings, "settings");
        requireRunnable(settings);
        this.settings = settings.slotName() == null ? settings.withSlotName(generatedSlotName()) : settings;
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.handover = new Handover(settings.handoverCapacity());
        this.heartbeat = new Heartbeat(this.settings, () -> state.get() == CaptureState.STREAMING);
        this.publicationWatch = new PublicationWatch(this.settings, () -> state.get() == CaptureState.STREAMING);
        this.janitor = new SlotJanitor(this.settings);
        byte[] id = new byte[6];
        ThreadLocalRandom.current().nextBytes(id);
        this.instanceId = HexFormat.of().formatHex(id);
    }

    /**
     * A listener that will deliver to {@code consumer} once {@link #start() started}. When the
     * settings name no slot, the listener generates a temporary slot's name of its own
     * ({@code livesync_<random>}), so that two listeners never share a slot they were not told to
     * share; {@link #settings()} carries it.
     *
     * @param settings where the database is and how to read from it
     * @param consumer receives each decoded transaction, on the delivery thread
     * @return a listener that will deliver to {@code consumer} once {@link #start() started}
     * @throws IllegalArgumentException when the settings cannot run: a permanent slot without a
     *                                  {@linkplain CaptureSettings#withSlotName name}
     */
    public static ReplicationListener create(CaptureSettings settings, TransactionConsumer consumer) {
        return new ReplicationListener(settings, consumer);
    }

    /**
     * Throws unless these settings can run: a permanent slot must have been given a name.
     *
     * @throws IllegalArgumentException naming what to set
     */
    private static void requireRunnable(CaptureSettings settings) {
        if (!settings.temporarySlot() && settings.slotName() == null) {
            throw new IllegalArgumentException("A permanent replication slot needs a stable name, one per application "
                    + "node: set it with withSlotName(..) (in Spring Boot: livesync.slot.name), e.g. from the node's host "
                    + "name. Without one every start would create another slot and leave the previous one behind, "
                    + "retaining WAL until the disk fills. Or keep the default temporary slot.");
        }
    }

    /** A temporary slot's name: 48 random bits from a strong source, so that nodes never collide. */
    private static String generatedSlotName() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return "livesync_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * Starts the reader and delivery threads and returns at once; connecting happens in the
     * background. A database that is not ready does not make this throw: see {@link #state()} and
     * {@link #problems()}.
     *
     * @throws IllegalStateException when already started or stopped
     */
    public synchronized void start() {
        if (!state.compareAndSet(CaptureState.NEW, CaptureState.STARTING)) {
            throw new IllegalStateException("A ReplicationListener starts once; it is " + state.get());
        }
        stateChanged();
        running = true;
        reader = Thread.ofPlatform().name("livesync-reader-" + settings.slotName()).daemon().unstarted(this::readLoop);
        delivery = Thread.ofPlatform().name("livesync-delivery-" + settings.slotName()).daemon()
                .unstarted(this::deliveryLoop);
        delivery.start();
        reader.start();
        heartbeat.start();
        publicationWatch.start();
        janitor.start();
    }

    /**
     * Stops reading and delivering, confirms to the server what was delivered, and closes the
     * connection (the server drops a temporary slot with it). The reader closes its connection
     * itself; if it has not ended within 2 s (a stalled network), the connection is aborted. Never
     * waits much longer than 10 s, unless a heartbeat or publication check is stuck in a query.
     * Idempotent.
     */
    public synchronized void stop() {
        if (state.get() == CaptureState.STOPPED) {
            return;
        }
        synchronized (session) {
            running = false;
        }
        state.set(CaptureState.STOPPED);
        stateChanged();
        stopSignal.countDown();
        heartbeat.close();
        publicationWatch.close();
        janitor.close();
        if (!join(reader, 2_000)) {
            ReplicationSession current = session.get();
            if (current != null) {
                current.abort();
            }
            reader.interrupt();
            join(reader, 4_000);
        }
        if (delivery != null) {
            delivery.interrupt();
            join(delivery, 4_000);
        }
        handover.clear();
        LOG.info("LiveSync replication listener stopped (slot {})", settings.slotName());
    }

    private static boolean join(Thread thread, long millis) {
        if (thread == null) {
            return true;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** {@return the current state} */
    public CaptureState state() {
        return state.get();
    }

    /**
     * Why the listener is not ready: the problems of the last failed preflight or attempt to start
     * streaming (e.g. {@link PreflightProblem.Kind#SLOT_IN_USE}); empty once streaming.
     *
     * @return why the listener is not ready: the problems of the last failed preflight or attempt to start streaming
     *     (e.g. {@link PreflightProblem.Kind#SLOT_IN_USE}); empty once streaming
     */
    public List<PreflightProblem> problems() {
        return problems.get();
    }

    /**
     * What impairs the stream while it runs: heartbeats that cannot be written (stall detection is
     * off), a publication that no longer includes a watched table, a permanent slot whose WAL
     * retention is unbounded, a standby without {@code hot_standby_feedback}. Empty when nothing;
     * each entry goes away once fixed (the last two are checked again at each connect).
     *
     * @return what impairs the stream while it runs: heartbeats that cannot be written (stall detection is off), a
     *     publication that no longer includes a watched table, a permanent slot whose WAL retention is unbounded,
     *     a standby without hot_standby_feedback
     */
    public List<PreflightProblem> warnings() {
        List<PreflightProblem> warnings = new ArrayList<>();
        PreflightProblem beat = heartbeat.problem();
        if (beat != null) {
            warnings.add(beat);
        }
        warnings.addAll(publicationWatch.problems());
        warnings.addAll(preflightWarnings);
        return List.copyOf(warnings);
    }

    /** {@return the settings it reads with; its slot's name is the generated one when the settings named none} */
    public CaptureSettings settings() {
        return settings;
    }

    /** {@return transactions handed to the consumer so far} */
    public long transactionsDelivered() {
        return transactionsDelivered.get();
    }

    /**
     * {@return transactions a resumed stream sent again and the listener skipped, as delivered by an
     *     earlier stream, so far}
     */
    public long transactionsSkipped() {
        return transactionsSkipped.get();
    }

    /** {@return how many times the stream was re-established after an interruption} */
    public long reconnects() {
        return reconnects.get();
    }

    /**
     * The end position of the last transaction the consumer returned from (including transactions
     * with no published change); {@link Lsn#INVALID} before the first.
     *
     * @return the end position of the last transaction the consumer returned from (including transactions with no
     *     published change)
     */
    public Lsn lastHandled() {
        return Lsn.ofLong(handled.get());
    }

    /**
     * A position up to which every change has been delivered: the consumer has returned from every
     * transaction that committed before it. Advances while the stream is idle (also by heartbeats),
     * so waiting for it to pass the position of a record written after the commits of interest —
     * the LSN that {@code pg_logical_emit_message(false, ...)} returns, or
     * {@code pg_current_wal_insert_lsn()} — waits until the listener delivered them. Not
     * {@code pg_current_wal_lsn()}: that is the WAL <em>write</em> position, which under
     * {@code synchronous_commit = off} can still be before a commit that has returned.
     *
     * @return a position up to which every change has been delivered: the consumer has returned from every
     *     transaction that committed before it
     */
    public Lsn caughtUpTo() {
        return Lsn.ofLong(caughtUp.get());
    }

    /** {@return transactions decoded but not yet delivered} */
    public int pending() {
        return handover.size();
    }

    /**
     * A delivered transaction's commit: where it is in the WAL and when the server committed it.
     *
     * @param lsn  where the transaction's commit record is in the WAL
     * @param time when the server committed the transaction, by the server's clock
     */
    public record Commit(Lsn lsn, Instant time) {
    }

    /**
     * The commit of the last transaction the consumer returned from (including transactions with no
     * published change); null before the first.
     *
     * @return the last delivered commit, or {@code null} before the first
     */
    public Commit lastCommit() {
        return lastCommit;
    }

    /**
     * How much WAL the current stream has received, or the server has reported as written (by a
     * keep-alive), beyond what was delivered: 0 when caught up, and while not streaming.
     *
     * @return the bytes of WAL received or reported as written and not yet delivered; 0 when caught up
     *     or not streaming
     */
    public long bytesBehind() {
        ReplicationSession current = session.get();
        if (current == null) {
            return 0;
        }
        long delivered = Math.max(Math.max(handled.get(), caughtUp.get()), current.startLsn().asLong());
        long behind = current.lastReceived().asLong() - delivered;
        return Math.max(0, behind);
    }

    /**
     * Runs {@code hook} after every change of {@link #state()} (and of {@link #problems()}, which
     * changes with it), on the thread that made it: the reader, or the caller of {@link #start()} or
     * {@link #stop()}. It must return at once (hand the work to another thread) and not throw; it
     * replaces the previous hook.
     *
     * @param hook runs after each state change; must return at once and not throw
     */
    public void onStateChange(Runnable hook) {
        onStateChange = Objects.requireNonNull(hook, "hook");
    }

    private void stateChanged() {
        try {
            onStateChange.run();
        } catch (RuntimeException e) {
            LOG.warn("LiveSync state hook failed", e);
        }
    }

    // ---- reader thread --------------------------------------------------------------------------

    private void readLoop() {
        Retry retry = new Retry(settings.minBackoff(), settings.maxBackoff());
        String lastFailure = "start";
        boolean first = true;
        ReplicationSession.ServerHistory previous = null;
        String previousStart = null;
        Lsn previousConfirmed = Lsn.INVALID;
        TransactionAssembler assembler = consumer.newAssembler();
        try (WalsenderProbe probe = new WalsenderProbe(settings)) {
            while (running) {
                ReplicationSession current = connect(retry);
                if (current == null) {
                    continue;
                }
                if (!publish(current)) {
                    current.abort();
                    break;
                }
                problems.set(List.of());
                publicationWatch.clear();
                probe.close();
                assembler.reset();
                boolean sameHistory = previous != null && previous.equals(current.history());
                boolean serverRestarted = previous != null && (!sameHistory || previousStart != null
                        && current.serverStarted() != null && !previousStart.equals(current.serverStarted()));
                // Continuous: the same slot of the same server, not moved past what we confirmed by anyone else.
                boolean skipDelivered = sameHistory && !settings.temporarySlot() && !current.createdSlot()
                        && !current.startLsn().isAfter(previousConfirmed);
                previous = current.history();
                previousStart = current.serverStarted();
                if (!sameHistory) {
                    caughtUp.set(0); // positions of another history say nothing about this one
                }
                boolean stalled = false;
                long gapItem = Long.MAX_VALUE;
                Duration wait = settings.minBackoff();
                try {
                    Gap gap = new Gap(first, skipDelivered, current.startLsn(), Instant.now(), lastFailure,
                            serverRestarted);
                    if (!handover.put(new Handover.GapItem(gap, skipDelivered, !sameHistory), settings.statusInterval(),
                            () -> running, current::keepAlive)) {
                        break;
                    }
                    gapItem = itemsPut.incrementAndGet();
                    if (!first) {
                        reconnects.incrementAndGet();
                    }
                    first = false;
                    if (state.updateAndGet(s -> s == CaptureState.STOPPED ? s : CaptureState.STREAMING)
                            == CaptureState.STOPPED) {
                        break; // stopped meanwhile: never report streaming after stop()
                    }
                    stateChanged();
                    LOG.info("LiveSync is {}: streaming changes from {} (publication {}, slot {}{}{})",
                            reconnects.get() == 0 ? "ready" : "live again after an interruption", current.startLsn(),
                            settings.publication(), settings.slotName(), skipDelivered ? ", resumed"
                                    : sameHistory ? "" : ", server " + current.history().systemId()
                                    + " timeline " + current.history().timeline(),
                            serverRestarted && sameHistory ? ", the server restarted" : "");
                    retry.reset();
                    stream(current, assembler, gapItem, probe);
                } catch (Exception e) {
                    stalled = e instanceof StallDetector.StalledStreamException;
                    if (!running) {
                        break;
                    }
                    lastFailure = e.toString();
                    wait = retry.next(Retry.Cause.SERVER_AWAY);
                    LOG.warn("LiveSync replication stream broke (slot {}), reconnecting in {} ms: {}",
                            settings.slotName(), wait.toMillis(), lastFailure);
                    reconnecting();
                } finally {
                    session.compareAndSet(current, null);
                    previousConfirmed = current.flushed();
                    if (stalled) {
                        current.abort();
                    } else {
                        if (!running) {
                            confirmHandled(current, gapItem);
                        }
                        current.close();
                    }
                }
                await(wait);
            }
        }
    }

    /**
     * Runs the preflight and opens a session; on failure reports it, waits as {@code retry} says
     * and returns null.
     */
    private ReplicationSession connect(Retry retry) {
        Preflight.Outcome preflight = Preflight.run(settings, instanceId);
        if (!preflight.problems().isEmpty()) {
            notReady(preflight.problems());
            await(retry.next(preflight.serverAway() ? Retry.Cause.SERVER_AWAY : Retry.Cause.MISCONFIGURED));
            return null;
        }
        notePreflightWarnings(preflight.warnings());
        try {
            return ReplicationSession.open(settings, instanceId);
        } catch (SlotInUseException e) {
            notReady(List.of(e.problem()));
            await(retry.next(Retry.Cause.MISCONFIGURED));
        } catch (SQLException | RuntimeException e) {
            PreflightProblem problem = e instanceof SQLException sql ? Preflight.fromReplicationFailure(settings, sql) : null;
            if (problem != null) {
                notReady(List.of(problem));
                await(retry.next(Retry.Cause.MISCONFIGURED));
            } else {
                Duration wait = retry.next(Retry.Cause.SERVER_AWAY);
                LOG.warn("LiveSync could not start replication (slot {}), retrying in {} ms: {}",
                        settings.slotName(), wait.toMillis(), e.toString());
                reconnecting();
                await(wait);
            }
        }
        return null;
    }

    /** Keeps the preflight's warnings; each new one is logged once. */
    private void notePreflightWarnings(List<PreflightProblem> found) {
        for (PreflightProblem warning : found) {
            if (preflightWarnings.stream().noneMatch(w -> w.kind() == warning.kind())) {
                LOG.warn("{}\nFix: {}", warning.message(), warning.fix());
            }
        }
        preflightWarnings = found;
    }

    /** Makes the session the current one unless stopped meanwhile. */
    private boolean publish(ReplicationSession current) {
        synchronized (session) {
            if (!running) {
                return false;
            }
            session.set(current);
            return true;
        }
    }

    /**
     * Reads until stopped or broken. {@code gapItem} is the number of this stream's gap in the
     * handover: until the delivery thread has passed it, what it reports as handled belongs to an
     * earlier stream and is not confirmed to this one.
     */
    private void stream(ReplicationSession current, TransactionAssembler assembler, long gapItem, WalsenderProbe probe)
            throws Exception {
        long park = MIN_IDLE_PARK_NANOS;
        long lastConfirm = System.nanoTime();
        long lastStatus = System.nanoTime();
        Lsn lastReceived = current.lastReceived();
        StallDetector stall = new StallDetector(settings.heartbeatInterval(), heartbeat::last);
        while (running) {
            ByteBuffer message = current.readPending();
            if (message != null) {
                stall.arrived();
                park = MIN_IDLE_PARK_NANOS;
                Transaction transaction = assembler.accept(message);
                if (transaction != null) {
                    if (!handover.put(new Handover.TransactionItem(transaction), settings.statusInterval(),
                            () -> running, current::keepAlive)) {
                        return;
                    }
                    itemsPut.incrementAndGet();
                }
                continue;
            }
            Lsn received = current.lastReceived();
            if (received.isAfter(lastReceived)) {
                stall.arrived(); // a keep-alive that reported progress
                lastReceived = received;
            }
            Lsn confirmed = confirmableInThisStream(gapItem);
            if (!assembler.inTransaction() && itemsDone.get() == itemsPut.get()) {
                // Everything read was handled (the delivery thread wrote `unfinished` before counting it done)
                Lsn all = Lsn.max(handledInThisStream(gapItem), received);
                caughtUp.accumulateAndGet(all.asLong(), (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
                if (!unfinished.isValid()) {
                    confirmed = all; // and nothing waits: the server's WAL end can be confirmed too (heartbeat)
                }
            }
            long now = System.nanoTime();
            if (confirmed.isAfter(current.flushed()) && now - lastConfirm >= CONFIRM_EVERY.toNanos()) {
                current.confirm(confirmed, true);
                lastConfirm = now;
                lastStatus = now;
            } else if (now - lastStatus >= PROBE_IDLE_CONNECTION_EVERY.toNanos()) {
                current.keepAlive(); // fails on a connection the server closed
                lastStatus = now;
            }
            stall.check(current, probe);
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, MAX_IDLE_PARK_NANOS);
        }
    }

    private Lsn handledInThisStream(long gapItem) {
        return itemsDone.get() >= gapItem ? Lsn.ofLong(handled.get()) : Lsn.INVALID;
    }

    private Lsn confirmableInThisStream(long gapItem) {
        return itemsDone.get() >= gapItem ? Lsn.ofLong(confirmable.get()) : Lsn.INVALID;
    }

    /**
     * Stopping: confirms what was handled, so that a permanent slot resumes right after it (or at
     * the oldest transaction the consumer has not finished with).
     */
    private void confirmHandled(ReplicationSession current, long gapItem) {
        try {
            current.confirm(confirmableInThisStream(gapItem), true);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("LiveSync could not confirm the last position on stop: {}", e.toString());
        }
    }

    private void reconnecting() {
        if (state.compareAndSet(CaptureState.STREAMING, CaptureState.RECONNECTING)) {
            stateChanged();
        }
    }

    private void notReady(List<PreflightProblem> found) {
        List<PreflightProblem> before = problems.getAndSet(List.copyOf(found));
        state.updateAndGet(s -> s == CaptureState.STOPPED ? s : CaptureState.NOT_READY);
        stateChanged();
        if (!before.equals(found)) {
            LOG.error("{}\nLiveSync keeps retrying and starts live updates once this is fixed.",
                    ProblemText.describe(found));
        } else {
            LOG.debug("LiveSync preflight still failing: {}", found);
        }
    }

    /** Waits {@code wait} unless stopped. */
    private void await(Duration wait) {
        try {
            stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    // ---- delivery thread ------------------------------------------------------------------------

    private void deliveryLoop() {
        Lsn lastDelivered = Lsn.INVALID;
        Lsn skipThrough = Lsn.INVALID;
        while (running) {
            Handover.Item item;
            try {
                item = handover.poll(consumer.hasPendingWork() ? Duration.ofMillis(10) : Duration.ofMillis(500));
            } catch (InterruptedException e) {
                break;
            }
            if (item == null) {
                call(consumer::onIdle, "onIdle()");
            }
            if (item instanceof Handover.GapItem(Gap gap, boolean skipDelivered, boolean newHistory)) {
                // only a stream that continues the previous one's history skips what that one delivered
                skipThrough = skipDelivered ? lastDelivered : Lsn.INVALID;
                if (newHistory) {
                    lastDelivered = Lsn.INVALID;
                    handled.set(0);
                }
                call(() -> consumer.onGap(gap), "onGap(" + gap + ")");
            } else if (item instanceof Handover.TransactionItem(Transaction tx)) {
                if (skipThrough.isValid() && !tx.endLsn().isAfter(skipThrough)) {
                    LOG.debug("Skipping transaction {} at {}: already delivered", tx.xid(), tx.endLsn());
                    transactionsSkipped.incrementAndGet();
                    if (!tx.isEmpty()) {
                        call(() -> consumer.onSkipped(tx), "onSkipped(xid " + tx.xid() + ")");
                    }
                } else {
                    if (!tx.isEmpty()) {
                        call(() -> consumer.onTransaction(tx), "onTransaction(xid " + tx.xid() + ")");
                        transactionsDelivered.incrementAndGet();
                    }
                    lastDelivered = tx.endLsn();
                    handled.set(tx.endLsn().asLong());
                    lastCommit = new Commit(tx.commitLsn(), tx.commitTime());
                }
            }
            noteUnfinished(); // before the item counts as done: the reader reads both
            if (item != null) {
                itemsDone.incrementAndGet();
            }
        }
    }

    /** Delivery thread: what may be confirmed, after a call of the consumer. */
    private void noteUnfinished() {
        Lsn oldest = Lsn.INVALID;
        try {
            oldest = Objects.requireNonNullElse(consumer.oldestUnfinished(), Lsn.INVALID);
        } catch (RuntimeException e) {
            LOG.error("LiveSync consumer failed in oldestUnfinished(); confirming as if none waited", e);
        }
        long done = handled.get();
        unfinished = oldest;
        confirmable.set(oldest.isValid() && Lsn.ofLong(done).isAfter(oldest) ? oldest.asLong() : done);
    }

    private void call(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("LiveSync consumer failed in {}; the listener goes on with the next change", what, e);
        }
    }

    @Override
    public String toString() {
        return "ReplicationListener[" + settings + ", " + state.get() + "]";
    }
}
