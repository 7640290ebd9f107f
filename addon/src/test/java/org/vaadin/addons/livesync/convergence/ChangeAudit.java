package org.vaadin.addons.livesync.convergence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.vaadin.addons.livesync.ListChange;

import com.vaadin.flow.function.SerializableConsumer;

/**
 * Audits what the change listeners of watched lists and lazy providers are told ({@link ListChange}):
 * each changed row must be the listener's tenant's, at once; each removed id must be of a row that
 * was once that tenant's, checked at quiescence against the {@link AuditTrail}. Thread-safe.
 */
final class ChangeAudit {

    /** Removed ids a listener was told of while its view had {@code tenant}. */
    private record Told(String listener, long tenant, String table, Set<Object> removedIds) {
    }

    private final Queue<String> violations;
    private final Queue<Told> told = new ConcurrentLinkedQueue<>();
    private final AtomicLong changes = new AtomicLong();

    ChangeAudit(Queue<String> violations) {
        this.violations = violations;
    }

    /**
     * A change listener for the keyed list or provider {@code name} of {@code table} (name without
     * schema) whose view's current tenant {@code tenant} gives.
     */
    <R extends TenantRow> SerializableConsumer<ListChange<R>> listener(String name, String table, LongSupplier tenant) {
        return change -> {
            changes.incrementAndGet();
            long current = tenant.getAsLong();
            for (R row : change.changed()) {
                if (!Objects.equals(row.getTenant(), current)) {
                    violations.add(name + " (tenant " + current + ") was told of the changed row " + row.fingerprint()
                            + " of tenant " + row.getTenant());
                }
            }
            if (!change.removedIds().isEmpty()) {
                told.add(new Told(name, current, table, change.removedIds()));
            }
        };
    }

    /** {@return how many changes the listeners were told of} */
    long changes() {
        return changes.get();
    }

    /**
     * The removed ids of rows that were never the listener's tenant's, one line per listener and
     * tenant: which ids, and the tenants those rows had.
     */
    List<String> foreignRemovedIds(AuditTrail trail) {
        Map<String, Map<Long, Set<Long>>> foreign = new LinkedHashMap<>();
        for (Told t : told) {
            for (Object id : t.removedIds()) {
                long row = (Long) id;
                if (!trail.wasIn(t.table(), row, t.tenant())) {
                    foreign.computeIfAbsent(t.listener() + " (tenant " + t.tenant() + ", " + t.table() + ")",
                            k -> new LinkedHashMap<>()).put(row, new TreeSet<>(trail.tenantsOf(t.table(), row)));
                }
            }
        }
        List<String> lines = new ArrayList<>();
        foreign.forEach((listener, ids) -> lines.add(listener + " was told of " + ids.size()
                + " removed ids of rows never in its tenant (id=[tenants it had]): " + ids));
        return lines;
    }
}
