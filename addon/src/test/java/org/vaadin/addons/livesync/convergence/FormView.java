package org.vaadin.addons.livesync.convergence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.SaveResult;
import org.vaadin.addons.livesync.WatchedBean;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.converter.StringToLongConverter;

/**
 * A form of one of its tenant's rows (a {@link WatchedBean} in a buffered {@link Binder}) and the user
 * at it: {@link #step} shows a random row of the tenant and edits its title, or saves the edits,
 * while the outside writers change the same rows. Some forms also bind the subscription key or the id
 * (an editable owner, a natural key), and their user types another tenant's value there: a save must
 * never write across tenants. Each title a form writes names the form and the row it loaded
 * ({@code form f<index> r<id> n<n>}), for the {@link AuditTrail}. Every row read into the form is
 * audited (it must be the tenant's). UI thread (the session's lock held).
 */
class FormView<R extends TenantRow> extends Composite<Div> {

    /** What the form binds besides the title. */
    enum Binds { TITLE, TENANT, ID }

    final int index;
    final long tenant;
    final Class<R> type;
    final Binds binds;
    final WatchedBean<R> form;
    private final TextField title = new TextField("Title");
    private final TextField key = new TextField();
    private final transient Queue<String> violations;
    private int edits;

    FormView(LiveSync liveSync, int index, long tenant, Class<R> type, Binds binds, Queue<String> violations) {
        this.index = index;
        this.tenant = tenant;
        this.type = type;
        this.binds = binds;
        this.violations = violations;
        Binder<R> binder = new Binder<>();
        binder.forField(title).bind(TenantRow::getTitle, TenantRow::setTitle);
        binder.forField(new TextField()).bindReadOnly(this::audit);
        if (binds == Binds.TENANT) {
            binder.forField(key).withConverter(new StringToLongConverter("a number")).bind(TenantRow::getTenant,
                    TenantRow::setTenant);
        } else if (binds == Binds.ID) {
            binder.forField(key).withConverter(new StringToLongConverter("a number")).bind(TenantRow::getId, TenantRow::setId);
        }
        form = LiveScope.of(this, tenant, liveSync).watchBean(type, binder);
        form.addConflictListener(conflict -> audit(conflict.newest()));
        form.addSaveRefusedListener(refused -> { }); // no notice: nobody reads it
        getContent().add(title, key);
    }

    /** Each row read into the form, and each newer version it is told of, must be the form's tenant's. */
    private String audit(R row) {
        if (row != null && !Objects.equals(row.getTenant(), tenant)) {
            violations.add(this + " was given the row " + row.fingerprint());
        }
        return "";
    }

    /**
     * One action of the user: with edits, save them (after a refusal: sometimes keep the edits on the
     * newest version, sometimes give up); with a row and no edits, edit it; without a row, open one of
     * the tenant's. The results are counted in {@code results}.
     */
    void step(Random random, Connection c, Map<String, AtomicInteger> results) throws SQLException {
        if (form.bean() != null && form.hasChanges()) {
            SaveResult result = form.save();
            results.computeIfAbsent(type.getSimpleName() + "/" + binds + " " + result, k -> new AtomicInteger()).incrementAndGet();
            if (result == SaveResult.CHANGED_ELSEWHERE && random.nextBoolean()) {
                form.keepEditsOnNewest();
            } else if (!result.isSaved() && random.nextBoolean() || result.isSaved() && random.nextInt(3) == 0) {
                form.clear();
            }
        } else if (form.bean() != null) {
            edit(random, c);
        } else {
            Long id = randomRow(c, "tenant = ?");
            if (id != null && form.show(id)) {
                edit(random, c);
            }
        }
    }

    private void edit(Random random, Connection c) throws SQLException {
        title.setValue("form f" + index + " r" + form.id() + " n" + ++edits);
        if (binds == Binds.TENANT) {
            key.setValue(String.valueOf(tenant + 1 + random.nextInt(3)));
        } else if (binds == Binds.ID) {
            Long other = randomRow(c, "tenant <> ?");
            if (other != null) {
                key.setValue(String.valueOf(other));
            }
        }
    }

    private Long randomRow(Connection c, String where) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM conv_test." + table() + " WHERE " + where
                + " ORDER BY random() LIMIT 1")) {
            s.setLong(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** {@return the table's name without schema} */
    String table() {
        return type == DefaultRow.class ? "row_default" : "row_full";
    }

    /** Reads the form index from a title a form wrote ({@code form f<index> r<id> n<n>}), or -1. */
    static int formOf(String title) {
        return title != null && title.startsWith("form f") ? Integer.parseInt(title.split(" ")[1].substring(1)) : -1;
    }

    /** Reads the loaded row's id from a title a form wrote, or null. */
    static Long rowOf(String title) {
        return title != null && title.startsWith("form f") ? Long.valueOf(title.split(" ")[2].substring(1)) : null;
    }

    @Override
    public String toString() {
        return "form #" + index + " of tenant " + tenant + " (" + type.getSimpleName() + ", binds " + binds + ")";
    }
}
