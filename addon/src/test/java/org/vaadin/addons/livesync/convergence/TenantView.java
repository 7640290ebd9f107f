package org.vaadin.addons.livesync.convergence;

import java.util.List;
import java.util.Queue;
import java.util.function.BiFunction;

import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncView;
import org.vaadin.addons.livesync.WatchKey;
import org.vaadin.addons.livesync.WatchedList;

import com.vaadin.flow.component.html.Div;

/**
 * A view of one tenant's rows of both tables. Its sync() hook audits every delivery: each row it is
 * given must have the view's subscription value, else the violation is recorded; so must each row
 * and removed id its lists' change listeners are told of ({@link ChangeAudit}).
 */
class TenantView extends LiveSyncView<Long, Div> {

    static final WatchKey<DefaultRow> DEFAULT_ROWS = WatchKey.of(DefaultRow.class);
    static final WatchKey<FullRow> FULL_ROWS = WatchKey.of(FullRow.class);

    final WatchedList<DefaultRow> defaultRows;
    final WatchedList<FullRow> fullRows;
    private final transient Queue<String> violations;
    private final transient Queue<Long> deliveries;

    TenantView(LiveSync liveSync, Long tenant, BiFunction<Class<? extends TenantRow>, Long, List<? extends TenantRow>> loader,
               Queue<String> violations, Queue<Long> deliveries, ChangeAudit changes) {
        super(liveSync, tenant);
        this.violations = violations;
        this.deliveries = deliveries;
        defaultRows = watchList(DEFAULT_ROWS, t -> cast(loader.apply(DefaultRow.class, t)))
                .withSync(rows -> audit(DEFAULT_ROWS, rows));
        fullRows = watchList(FULL_ROWS, t -> cast(loader.apply(FullRow.class, t)))
                .withSync(rows -> audit(FULL_ROWS, rows));
        defaultRows.addChangeListener(changes.listener("view of tenant " + tenant + " list DefaultRow", "row_default", () -> tenant));
        fullRows.addChangeListener(changes.listener("view of tenant " + tenant + " list FullRow", "row_full", () -> tenant));
    }

    @Override
    public String toString() {
        return "view of tenant " + getSubscriptionValue();
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<?> rows) {
        return (List<T>) rows;
    }

    /** Each list's typed hook: every row it is given must have the view's subscription value. */
    private <R extends TenantRow> List<R> audit(WatchKey<R> key, List<R> rows) {
        deliveries.add((long) rows.size());
        for (R row : rows) {
            if (!getSubscriptionValue().equals(row.getTenant())) {
                violations.add("view of tenant " + getSubscriptionValue() + " got " + key.name() + " " + row.fingerprint());
            }
        }
        return rows;
    }
}
