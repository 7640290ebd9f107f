package org.vaadin.addons.livesync.demo.tasks;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.LiveSync;

import com.vaadin.flow.shared.Registration;

/**
 * Whether changes flow, for the "live" indicators: samples {@link LiveSync}'s state twice a second
 * and tells the registered listeners when it changed (LiveSync has no state listener of its own).
 * Thread-safe.
 */
@Component
public class LiveStatus implements DisposableBean {

    /** The state and, when the database is not ready, what is wrong. */
    public record Snapshot(CaptureState state, List<String> problems) {
        public boolean live() {
            return state == CaptureState.STREAMING;
        }
    }

    private final LiveSync liveSync;
    private final Set<Consumer<Snapshot>> listeners = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("demo-live-status").daemon().factory());
    private volatile Snapshot last;

    LiveStatus(LiveSync liveSync) {
        this.liveSync = liveSync;
        this.last = sample();
        ticker.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    public Snapshot current() {
        return last;
    }

    /** Calls {@code listener} from a background thread whenever the state changes. */
    public Registration addListener(Consumer<Snapshot> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private Snapshot sample() {
        return new Snapshot(liveSync.state(),
                liveSync.problems().stream().map(PreflightProblem::toString).toList());
    }

    private void tick() {
        Snapshot now = sample();
        if (!now.equals(last)) {
            last = now;
            listeners.forEach(listener -> listener.accept(now));
        }
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
    }
}
