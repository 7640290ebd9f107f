package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.PreflightProblem;

import java.sql.SQLException;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks the publication at an interval while streaming, on a connection of its own thread: a
 * watched table dropped from it (or the publication dropped, or partitions no longer published via
 * the root) would otherwise go unnoticed while its changes silently stop. A change of the findings
 * is logged once (WARN when there are problems, INFO when they are gone); the findings are offered
 * as {@link #problems()}. Thread-safe.
 */
final class PublicationWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublicationWatch.class);

    private final CaptureSettings settings;
    private final BooleanSupplier active;
    private final BackgroundTask task;
    private volatile List<PreflightProblem> problems = List.of();

    PublicationWatch(CaptureSettings settings, BooleanSupplier active) {
        this.settings = settings;
        this.active = active;
        this.task = new BackgroundTask("livesync-publication-" + settings.slotName(), settings,
                Connections.Server.PRIMARY);
    }

    void start() {
        task.every(settings.publicationCheckInterval(), this::check);
    }

    /** What the last check found wrong; empty when nothing. */
    List<PreflightProblem> problems() {
        return problems;
    }

    /** Forgets the findings: the preflight of a new stream has just passed. */
    void clear() {
        problems = List.of();
    }

    private void check() {
        if (!active.getAsBoolean()) {
            return;
        }
        List<PreflightProblem> found;
        try {
            found = Preflight.checkPublication(task.connection().get(), settings);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("LiveSync could not re-check the publication: {}", e.toString());
            task.connection().close();
            return;
        }
        List<PreflightProblem> before = problems;
        problems = found;
        if (found.equals(before)) {
            return;
        }
        if (found.isEmpty()) {
            LOG.info("LiveSync's publication {} publishes every watched table again", settings.publication());
        } else {
            LOG.warn("The publication {} changed while LiveSync streams from it; changes of the tables named here do "
                    + "not reach any view:\n{}", settings.publication(), ProblemText.describeEach(found));
        }
    }

    @Override
    public void close() {
        task.close();
    }
}
