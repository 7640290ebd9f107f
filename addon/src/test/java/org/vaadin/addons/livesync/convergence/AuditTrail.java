package org.vaadin.addons.livesync.convergence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * Every committed write of the keyed tables as the database saw it, recorded by a row trigger into
 * {@code conv_test.audit} (not published): the tenants each row id ever had, and which writes the
 * forms made (their connections carry the application name {@link #FORMS}). The ground truth for
 * "that id was never a row of this tenant" and "a form save never wrote across tenants".
 */
final class AuditTrail {

    /** The JDBC application name of the forms' connections (the Hibernate session factory's). */
    static final String FORMS = "livesync-forms";

    /** One row write by a form's save. */
    record FormWrite(String table, String op, Long oldId, Long newId, Long oldTenant, Long newTenant, String title) {
        @Override
        public String toString() {
            return op + " " + table + " id " + oldId + " -> " + newId + ", tenant " + oldTenant + " -> " + newTenant
                    + ", title '" + title + "'";
        }
    }

    private final Map<String, Map<Long, Set<Long>>> tenants = new HashMap<>();
    private final Map<String, Map<Long, List<String>>> history = new HashMap<>();
    private final List<FormWrite> formWrites = new ArrayList<>();

    private AuditTrail() {
    }

    /** The audit table, its trigger function, and the trigger on each of {@code tables} (qualified names). */
    static List<String> setUp(String... tables) {
        List<String> sql = new ArrayList<>(List.of(
                "CREATE TABLE conv_test.audit (seq bigserial PRIMARY KEY, tbl text, op text, old_id bigint, new_id bigint,"
                        + " old_tenant bigint, new_tenant bigint, new_title text, app text,"
                        + " xid xid8 DEFAULT pg_current_xact_id(), at timestamptz DEFAULT clock_timestamp())",
                """
                CREATE FUNCTION conv_test.audit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO conv_test.audit (tbl, op, new_id, new_tenant, new_title, app)
                        VALUES (TG_TABLE_NAME, TG_OP, NEW.id, NEW.tenant, NEW.title, current_setting('application_name'));
                    ELSIF TG_OP = 'UPDATE' THEN
                        INSERT INTO conv_test.audit (tbl, op, old_id, new_id, old_tenant, new_tenant, new_title, app)
                        VALUES (TG_TABLE_NAME, TG_OP, OLD.id, NEW.id, OLD.tenant, NEW.tenant, NEW.title,
                                current_setting('application_name'));
                    ELSE
                        INSERT INTO conv_test.audit (tbl, op, old_id, old_tenant, app)
                        VALUES (TG_TABLE_NAME, TG_OP, OLD.id, OLD.tenant, current_setting('application_name'));
                    END IF;
                    RETURN NULL;
                END $$"""));
        for (String table : tables) {
            sql.add("CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION conv_test.audit()");
        }
        return sql;
    }

    /** Reads the whole trail (at quiescence). */
    static AuditTrail load(TestDatabase db) {
        AuditTrail trail = new AuditTrail();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT tbl, op, old_id, new_id, old_tenant, new_tenant, new_title, app, xid, at FROM conv_test.audit ORDER BY seq")) {
            while (rs.next()) {
                FormWrite write = new FormWrite(rs.getString(1), rs.getString(2), (Long) rs.getObject(3),
                        (Long) rs.getObject(4), (Long) rs.getObject(5), (Long) rs.getObject(6), rs.getString(7));
                trail.had(write.table(), write.oldId(), write.oldTenant());
                trail.had(write.table(), write.newId(), write.newTenant());
                String line = write + " by " + rs.getString(8) + " in xid " + rs.getString(9) + " at " + rs.getString(10);
                trail.wrote(write.table(), write.oldId(), line);
                if (!Objects.equals(write.oldId(), write.newId())) {
                    trail.wrote(write.table(), write.newId(), line);
                }
                if (FORMS.equals(rs.getString(8))) {
                    trail.formWrites.add(write);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return trail;
    }

    private void had(String table, Long id, Long tenant) {
        if (id != null) {
            tenants.computeIfAbsent(table, t -> new HashMap<>()).computeIfAbsent(id, i -> new TreeSet<>()).add(tenant);
        }
    }

    private void wrote(String table, Long id, String line) {
        if (id != null) {
            history.computeIfAbsent(table, t -> new HashMap<>()).computeIfAbsent(id, i -> new ArrayList<>()).add(line);
        }
    }

    /** {@return every committed write of the row {@code id} of {@code table}, in order, for a failure message} */
    List<String> historyOf(String table, long id) {
        return history.getOrDefault(table, Map.of()).getOrDefault(id, List.of());
    }

    /** {@return the tenants the row {@code id} of {@code table} (name without schema) ever had, in a committed write} */
    Set<Long> tenantsOf(String table, long id) {
        return tenants.getOrDefault(table, Map.of()).getOrDefault(id, Set.of());
    }

    /** {@return whether the row {@code id} of {@code table} was ever a row of {@code tenant}} */
    boolean wasIn(String table, long id, long tenant) {
        return tenantsOf(table, id).contains(tenant);
    }

    /** {@return every row write the forms' saves committed, in order} */
    List<FormWrite> formWrites() {
        return formWrites;
    }
}
