package org.vaadin.addons.livesync.capture;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.decode.Lsn;
import org.vaadin.addons.livesync.decode.Transaction;
import org.vaadin.addons.livesync.decode.TransactionAssembler;

/**
 * Reads PostgreSQL logical replication (pgoutput) into {@link Transaction}s and hands them, in
 * commit order, to a {@link TransactionConsumer}.
 * <p>
 * Two threads: the <em>reader</em> only reads, decodes and hands over to a bounded queue (when the
 * queue is full it stops reading but keeps the connection alive); the <em>delivery</em> thread
 * calls the consumer. A transaction's end LSN is confirmed to the server only after the consumer
 * returned from it. While nothing is pending, the reader confirms the server's WAL end so that
 * writes to unpublished tables do not make the slot retain WAL.
 * <p>
 * Before starting, and before each reconnect, a {@link Preflight} runs; its problems are logged
 * once, clearly, and the listener keeps retrying with backoff (state {@link CaptureState#NOT_READY})
 * so that live sync starts by itself once the database is fixed or back. After any interruption it
 * reconnects with backoff and sends a {@link Gap} before the first transaction of the new stream; a
 * transaction cut in half by a broken connection is dropped, never delivered in part, and none is
 * delivered twice.
 * <p>
 * Thread-safe: {@link #start()}, {@link #stop()} and the getters may be called from any thread.
 */
public final class ReplicationListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationListener.class);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final Duration CONFIRM_EVERY = Duration.ofSeconds(1);

    private final CaptureSettings settings;
    private final TransactionConsumer consumer;
    private final Handover handover;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicReference<CaptureState> state = new AtomicReference<>(CaptureState.NEW);
    private final AtomicReference<List<PreflightProblem>> problems = new AtomicReference<>(List.of());
    private final AtomicReference<ReplicationSession> session = new AtomicReference<>();
    /** The end LSN of the last transaction the consumer returned from (delivery thread writes). */
    private final AtomicLong handled = new AtomicLong();
    /** A position before which every change was delivered (reader writes, when idle). */
    private final AtomicLong caughtUp = new AtomicLong();
    /** Items (gaps and transactions) the reader put into the handover, and those the delivery thread finished. */
    private final AtomicLong itemsPut = new AtomicLong();
    private final AtomicLong itemsDone = new AtomicLong();
    private final AtomicLong transactionsDelivered = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Heartbeat heartbeat;
    private volatile boolean running;
    private Thread reader;
    private Thread delivery;

    private ReplicationListener(CaptureSettings settings, TransactionConsumer consumer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.handover = new Handover(settings.handoverCapacity());
        this.heartbeat = new Heartbeat(settings, () -> state.get() == CaptureState.STREAMING);
    }

    /** A listener that will deliver to {@code consumer} once {@link #start() started}. */
    public static ReplicationListener create(CaptureSettings settings, TransactionConsumer consumer) {
        return new ReplicationListener(settings, consumer);
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
        running = true;
        reader = Thread.ofPlatform().name("livesync-reader-" + settings.slotName()).daemon().unstarted(this::readLoop);
        delivery = Thread.ofPlatform().name("livesync-delivery-" + settings.slotName()).daemon()
                .unstarted(this::deliveryLoop);
        delivery.start();
        reader.start();
        heartbeat.start();
    }

    /**
     * Stops reading and delivering and closes the connection (the server drops a temporary slot with
     * it). The reader closes its connection itself; if it has not ended within 2 s (a stalled
     * network), the connection is aborted. Never waits much longer than 10 s. Idempotent.
     */
    public synchronized void stop() {
        if (state.get() == CaptureState.STOPPED) {
            return;
        }
        synchronized (session) {
            running = false;
        }
        state.set(CaptureState.STOPPED);
        stopSignal.countDown();
        heartbeat.close();
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

    /** The current state. */
    public CaptureState state() {
        return state.get();
    }

    /** The problems of the last failed preflight; empty once streaming. */
    public List<PreflightProblem> problems() {
        return problems.get();
    }

    /** The settings. */
    public CaptureSettings settings() {
        return settings;
    }

    /** Transactions handed to the consumer so far. */
    public long transactionsDelivered() {
        return transactionsDelivered.get();
    }

    /** How many times the stream was re-established after an interruption. */
    public long reconnects() {
        return reconnects.get();
    }

    /**
     * The end position of the last transaction the consumer returned from (including transactions
     * with no published change); {@link Lsn#INVALID} before the first.
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
     */
    public Lsn caughtUpTo() {
        return Lsn.ofLong(caughtUp.get());
    }

    /** Transactions decoded but not yet delivered. */
    public int pending() {
        return handover.size();
    }

    // ---- reader thread --------------------------------------------------------------------------

    private void readLoop() {
        Duration backoff = settings.minBackoff();
        String lastFailure = "start";
        boolean first = true;
        TransactionAssembler assembler = consumer.newAssembler();
        while (running) {
            List<PreflightProblem> found = Preflight.check(settings);
            if (!found.isEmpty()) {
                notReady(found);
                backoff = await(backoff);
                continue;
            }
            ReplicationSession current;
            try {
                current = ReplicationSession.open(settings);
            } catch (SQLException | RuntimeException e) {
                PreflightProblem problem = e instanceof SQLException sql ? Preflight.fromReplicationFailure(settings, sql) : null;
                if (problem != null) {
                    notReady(List.of(problem));
                } else {
                    LOG.warn("LiveSync could not start replication (slot {}), retrying in {} ms: {}",
                            settings.slotName(), backoff.toMillis(), e.toString());
                    state.compareAndSet(CaptureState.STREAMING, CaptureState.RECONNECTING);
                }
                backoff = await(backoff);
                continue;
            }
            if (!publish(current)) {
                current.abort();
                break;
            }
            problems.set(List.of());
            assembler.reset();
            boolean stalled = false;
            try {
                Gap gap = new Gap(first, current.startLsn(), Instant.now(), lastFailure);
                if (!handover.put(new Handover.GapItem(gap), settings.statusInterval(), () -> running, current::keepAlive)) {
                    break;
                }
                itemsPut.incrementAndGet();
                if (!first) {
                    reconnects.incrementAndGet();
                }
                first = false;
                if (state.updateAndGet(s -> s == CaptureState.STOPPED ? s : CaptureState.STREAMING)
                        == CaptureState.STOPPED) {
                    break; // stopped meanwhile: never report streaming after stop()
                }
                LOG.info("LiveSync streaming from {} (publication {}, slot {})", current.startLsn(),
                        settings.publication(), settings.slotName());
                backoff = settings.minBackoff();
                stream(current, assembler);
            } catch (Exception e) {
                stalled = e instanceof StalledStreamException;
                if (!running) {
                    break;
                }
                lastFailure = e.toString();
                LOG.warn("LiveSync replication stream broke (slot {}), reconnecting in {} ms: {}",
                        settings.slotName(), backoff.toMillis(), lastFailure);
                state.compareAndSet(CaptureState.STREAMING, CaptureState.RECONNECTING);
            } finally {
                session.compareAndSet(current, null);
                if (stalled) {
                    current.abort();
                } else {
                    current.close();
                }
            }
            backoff = await(backoff);
        }
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

    private void stream(ReplicationSession current, TransactionAssembler assembler) throws Exception {
        long park = MIN_IDLE_PARK_NANOS;
        long lastConfirm = System.nanoTime();
        long lastReceived = System.nanoTime();
        long unansweredBeat = 0;
        long stallAfter = settings.heartbeatInterval().multipliedBy(3).toNanos();
        while (running) {
            ByteBuffer message = current.readPending();
            if (message != null) {
                lastReceived = System.nanoTime();
                unansweredBeat = 0;
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
            Lsn confirmed = Lsn.ofLong(handled.get());
            if (!assembler.inTransaction() && itemsDone.get() == itemsPut.get()) {
                // Everything read was handled: the server's WAL end can be confirmed too (heartbeat).
                confirmed = Lsn.max(confirmed, current.lastReceived());
                caughtUp.accumulateAndGet(confirmed.asLong(), (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
            }
            if (confirmed.isAfter(current.flushed())
                    && System.nanoTime() - lastConfirm >= CONFIRM_EVERY.toNanos()) {
                current.confirm(confirmed, true);
                lastConfirm = System.nanoTime();
            }
            long beat = heartbeat.lastWrittenNanos();
            if (unansweredBeat == 0 && beat - lastReceived > 0) {
                unansweredBeat = beat; // the first heartbeat written since anything arrived
            }
            if (unansweredBeat != 0 && System.nanoTime() - unansweredBeat > stallAfter) {
                throw new StalledStreamException("nothing arrived for " + (System.nanoTime() - lastReceived) / 1_000_000
                        + " ms although a heartbeat was written " + (System.nanoTime() - unansweredBeat) / 1_000_000
                        + " ms ago");
            }
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, MAX_IDLE_PARK_NANOS);
        }
    }

    /** The connection looks open but nothing arrives: taken for dead. */
    static final class StalledStreamException extends Exception {
        private static final long serialVersionUID = 1L;

        StalledStreamException(String message) {
            super(message);
        }
    }

    private void notReady(List<PreflightProblem> found) {
        List<PreflightProblem> before = problems.getAndSet(List.copyOf(found));
        state.updateAndGet(s -> s == CaptureState.STOPPED ? s : CaptureState.NOT_READY);
        if (!before.equals(found)) {
            LOG.error("{}\nLiveSync keeps retrying and starts live updates once this is fixed.",
                    PreflightException.describe(found));
        } else {
            LOG.debug("LiveSync preflight still failing: {}", found);
        }
    }

    /** Waits {@code backoff} unless stopped; returns the next, doubled backoff. */
    private Duration await(Duration backoff) {
        try {
            stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : next;
    }

    // ---- delivery thread ------------------------------------------------------------------------

    private void deliveryLoop() {
        Lsn lastDelivered = Lsn.INVALID;
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
            if (item instanceof Handover.GapItem(Gap gap)) {
                call(() -> consumer.onGap(gap), "onGap(" + gap + ")");
            } else if (item instanceof Handover.TransactionItem(Transaction tx)) {
                if (tx.endLsn().isAfter(lastDelivered)) {
                    if (!tx.isEmpty()) {
                        call(() -> consumer.onTransaction(tx), "onTransaction(xid " + tx.xid() + ")");
                        transactionsDelivered.incrementAndGet();
                    }
                    lastDelivered = tx.endLsn();
                    handled.set(tx.endLsn().asLong());
                } else {
                    LOG.debug("Skipping transaction {} at {}: already delivered", tx.xid(), tx.endLsn());
                }
            }
            if (item != null) {
                itemsDone.incrementAndGet();
            }
        }
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
