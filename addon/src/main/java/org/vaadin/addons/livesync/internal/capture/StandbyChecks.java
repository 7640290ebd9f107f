package org.vaadin.addons.livesync.internal.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.PreflightProblem.Kind;

/**
 * The preflight's checks of a {@linkplain CaptureSettings#withReplicationSource replication source}
 * of its own, on an ordinary SQL connection to it. A standby (a server in recovery) can carry a
 * logical slot from PostgreSQL 16 on, when its own {@code wal_level} is {@code logical} too; it
 * should have {@code hot_standby_feedback} on. A source that is not in recovery is taken as the
 * primary itself at another address (e.g. directly, while SQL goes through a pooler). Stateless.
 */
final class StandbyChecks {

    /** The first server version that decodes on a standby. */
    static final int MIN_STANDBY_VERSION = 160000;

    private StandbyChecks() {
    }

    /** What keeps a slot from being made on the source; empty when nothing. */
    static List<PreflightProblem> problems(Connection source) throws SQLException {
        List<PreflightProblem> problems = new ArrayList<>();
        int version = Preflight.intQuery(source, "SELECT current_setting('server_version_num')::int");
        boolean standby = isStandby(source);
        if (version < (standby ? MIN_STANDBY_VERSION : Preflight.MIN_SERVER_VERSION)) {
            problems.add(new PreflightProblem(Kind.SERVER_TOO_OLD,
                    "The replication source is " + (standby ? "a standby on " : "") + "PostgreSQL "
                            + Preflight.stringQuery(source, "SHOW server_version") + "; LiveSync needs PostgreSQL "
                            + (standby ? "16 or newer to decode on a standby." : "14 or newer."),
                    standby ? "Upgrade the standby (and its primary) to PostgreSQL 16 or newer, or stream from the"
                            + " primary: remove livesync.replication.url (CaptureSettings.withReplicationSource)."
                            : "Upgrade the replication source to PostgreSQL 14 or newer."));
            return problems;
        }
        String walLevel = Preflight.stringQuery(source, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(new PreflightProblem(Kind.WAL_LEVEL_NOT_LOGICAL,
                    "wal_level is '" + walLevel + "' on the replication source; a logical slot there needs 'logical'"
                            + (standby ? ", on the standby as on its primary." : "."),
                    standby ? "Set wal_level = 'logical' in the standby's postgresql.conf (ALTER SYSTEM cannot run on"
                            + " a standby) and restart it."
                            : "As a superuser run ALTER SYSTEM SET wal_level = 'logical'; then restart PostgreSQL."));
        }
        return problems;
    }

    /**
     * The warning for a standby whose {@code hot_standby_feedback} is off; null when it is on or
     * the source is no standby.
     */
    static PreflightProblem feedbackOff(Connection source, CaptureSettings settings) throws SQLException {
        if (!isStandby(source) || "on".equals(Preflight.stringQuery(source, "SHOW hot_standby_feedback"))) {
            return null;
        }
        return new PreflightProblem(Kind.STANDBY_FEEDBACK_OFF,
                "The replication slot " + settings.slotName() + " is on a standby whose hot_standby_feedback is off:"
                        + " the primary may vacuum away catalog rows the slot still needs to decode, and the standby"
                        + " then invalidates the slot (LiveSync makes a new one and the views reload).",
                "Set hot_standby_feedback = on in the standby's postgresql.conf and run SELECT pg_reload_conf(); on"
                        + " it, and give the standby a physical slot on the primary (primary_slot_name) so that the"
                        + " feedback is kept while it is disconnected.");
    }

    private static boolean isStandby(Connection source) throws SQLException {
        return "true".equals(Preflight.stringQuery(source, "SELECT pg_is_in_recovery()::text"));
    }
}
