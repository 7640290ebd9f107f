package org.vaadin.addons.livesync.convergence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;

import org.vaadin.addons.livesync.ChangeType;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.EntityListener;
import org.vaadin.addons.livesync.MissedEvents;

/**
 * An entity listener of one tenant's rows of one table ({@code forSubscriptionValue(tenant).withEntity()}).
 * Each event is audited as it arrives (its entity and its known keys must be the tenant's); what it
 * heard is kept compactly (no entities) for the check at quiescence against what the writers
 * committed ({@link #unheard}). Events arrive on the listener's own thread; the check runs after.
 */
final class TenantEventListener<R extends TenantRow> implements EntityListener<R> {

    /**
     * What one event said, without its entity; or, with {@code missed} set, a notice of missed events
     * and (as {@code commitTime}) when it arrived.
     */
    private record Heard(ChangeType kind, Long id, Instant commitTime, MissedEvents missed) {
    }

    private record Key(ChangeType kind, Long id) {
    }

    private static final Duration GAP_MARGIN = Duration.ofMillis(100);

    final long tenant;
    final String table;
    /** Whether the table's WAL carries old keys (REPLICA IDENTITY FULL). */
    private final boolean fullIdentity;
    private final Queue<String> violations;
    private final List<Heard> heard = new ArrayList<>();

    TenantEventListener(long tenant, String table, boolean fullIdentity, Queue<String> violations) {
        this.tenant = tenant;
        this.table = table;
        this.fullIdentity = fullIdentity;
        this.violations = violations;
    }

    @Override
    public void onEvent(EntityEvent<R> event) {
        event.entity().ifPresent(row -> {
            if (!Objects.equals(row.getTenant(), tenant)) {
                violations.add(this + " got the entity " + row.fingerprint() + " of tenant " + row.getTenant() + " in " + event);
            }
        });
        boolean oldOurs = event.oldKeyKnown() && Objects.equals(event.oldKey(), tenant);
        boolean newOurs = event.newKeyKnown() && Objects.equals(event.newKey(), tenant);
        if ((event.oldKeyKnown() || event.newKeyKnown()) && !oldOurs && !newOurs) {
            violations.add(this + " got an event of another tenant's row: " + event);
        }
        synchronized (heard) {
            heard.add(new Heard(event.changeType(), event.id(Long.class), event.commitTime(), null));
        }
    }

    @Override
    public void onMissed(MissedEvents missed) {
        synchronized (heard) {
            heard.add(new Heard(null, null, Instant.now(), missed));
        }
    }

    int events() {
        synchronized (heard) {
            return (int) heard.stream().filter(h -> h.missed() == null).count();
        }
    }

    int gaps() {
        synchronized (heard) {
            return (int) heard.stream().filter(h -> h.missed() != null).count();
        }
    }

    /**
     * The events it heard of rows that were never this tenant's in any committed write (a listener of one
     * subscription value must never hear another tenant's id — also not of a delete whose WAL lacks the key).
     *
     * @return one line per such event, with the row's writes
     */
    List<String> foreignIds(AuditTrail trail) {
        synchronized (heard) {
            return heard.stream().filter(h -> h.missed() == null && h.id() != null && !trail.wasIn(table, h.id(), tenant))
                    .map(h -> this + " heard " + h.kind() + " of id " + h.id() + ", never a row of its tenant: "
                            + trail.historyOf(table, h.id()))
                    .toList();
        }
    }

    /** {@return how many deletes its {@code KEY_UNKNOWN} notices counted (their tenant was not known)} */
    long keyUnknown() {
        synchronized (heard) {
            return heard.stream().filter(h -> h.missed() != null && h.missed().reason() == MissedEvents.Reason.KEY_UNKNOWN)
                    .mapToLong(h -> h.missed().count()).sum();
        }
    }

    /**
     * The events the listener must have heard from the writers' transactions and did not, except those
     * committed within a gap it was told of ({@link #onMissed}: between the commit times of the events it
     * heard before and after the notice).
     *
     * @return one line per unheard event, saying what, when, and what was heard of that row
     */
    List<String> unheard(List<WriteLog.Txn> transactions, AuditTrail trail) {
        List<Heard> sequence;
        synchronized (heard) {
            sequence = List.copyOf(heard);
        }
        Map<Key, TreeMap<Instant, Integer>> times = new HashMap<>(); // events of one transaction share a commit time
        for (Heard h : sequence) {
            if (h.missed() == null) {
                times.computeIfAbsent(new Key(h.kind(), h.id()), k -> new TreeMap<>()).merge(h.commitTime(), 1, Integer::sum);
            }
        }
        List<Gap> gaps = gaps(sequence);
        List<Expected> expected = expected(transactions);
        expected.sort(Comparator.comparing(e -> e.txn().committedBefore()));
        List<String> unheard = new ArrayList<>();
        for (Expected e : expected) {
            TreeMap<Instant, Integer> candidates = times.getOrDefault(e.key(), new TreeMap<>());
            Instant match = candidates.ceilingKey(e.txn().committedAfter());
            if (match != null && !match.isAfter(e.txn().committedBefore())) {
                candidates.computeIfPresent(match, (t, n) -> n > 1 ? n - 1 : null); // each heard event answers one
                continue;
            }
            if (gaps.stream().noneMatch(g -> g.covers(e))) {
                unheard.add(this + " did not hear " + e.key().kind() + (e.key().id() == null ? "" : " of id " + e.key().id())
                        + " (" + e.op() + ", committed in [" + e.txn().committedAfter() + ", " + e.txn().committedBefore()
                        + "]); heard of it otherwise at " + candidates + "; gaps reported "
                        + gaps
                        + (e.key().id() == null ? "" : "; the row's writes: " + trail.historyOf(table, e.key().id())));
            }
        }
        return unheard;
    }

    private record Expected(Key key, WriteLog.Op op, WriteLog.Txn txn) {
    }

    /**
     * The commit times a notice may stand for ({@link #gaps}); a {@code KEY_UNKNOWN} notice stands for
     * deletes only.
     */
    private record Gap(Instant from, Instant to, MissedEvents.Reason reason) {

        boolean covers(Expected e) {
            return !e.txn().committedAfter().isAfter(to) && !e.txn().committedBefore().isBefore(from)
                    && (reason != MissedEvents.Reason.KEY_UNKNOWN || e.key().kind() == ChangeType.DELETED);
        }

        @Override
        public String toString() {
            return reason + " [" + from + ", " + to + "]";
        }
    }

    /**
     * What the writers' transactions owe this listener ({@code EntityEvents}' contract): an insert,
     * update or move into the tenant; a move out of it and a delete of its row when the WAL carries the
     * old key (FULL); the delete of its row under DEFAULT too (keyless: as a delete when a view holds the row,
     * else within a {@code KEY_UNKNOWN} notice); a truncate.
     */
    private List<Expected> expected(List<WriteLog.Txn> transactions) {
        List<Expected> expected = new ArrayList<>();
        for (WriteLog.Txn txn : transactions) {
            for (WriteLog.Op op : txn.ops()) {
                if (!op.table().equals(table)) {
                    continue;
                }
                ChangeType kind = switch (op.kind()) {
                    case INSERT -> Objects.equals(op.newTenant(), tenant) ? ChangeType.INSERTED : null;
                    case UPDATE -> Objects.equals(op.newTenant(), tenant)
                            || fullIdentity && Objects.equals(op.oldTenant(), tenant) ? ChangeType.UPDATED : null;
                    case DELETE -> Objects.equals(op.oldTenant(), tenant) ? ChangeType.DELETED : null;
                    case TRUNCATE -> ChangeType.TRUNCATED;
                };
                if (kind != null) {
                    expected.add(new Expected(new Key(kind, op.id()), op, txn));
                }
            }
        }
        return expected;
    }

    /**
     * The commit times each notice may stand for: from the latest commit heard before it (less a
     * margin: concurrent commits take their timestamps slightly out of WAL order) to when it arrived
     * (what the interruption lost committed before the stream resumed, and so before the notice).
     */
    private static List<Gap> gaps(List<Heard> sequence) {
        List<Gap> gaps = new ArrayList<>();
        Instant latest = Instant.MIN;
        for (Heard h : sequence) {
            if (h.missed() == null) {
                latest = h.commitTime().isAfter(latest) ? h.commitTime() : latest;
            } else {
                gaps.add(new Gap(latest.equals(Instant.MIN) ? latest : latest.minus(GAP_MARGIN), h.commitTime(),
                        h.missed().reason()));
            }
        }
        return gaps;
    }

    @Override
    public String toString() {
        return "entity listener of tenant " + tenant + " (" + table + ")";
    }

    /** {@return the notices of missed events it was told of, in order} */
    List<MissedEvents> notices() {
        synchronized (heard) {
            return heard.stream().map(Heard::missed).filter(Objects::nonNull).toList();
        }
    }
}
