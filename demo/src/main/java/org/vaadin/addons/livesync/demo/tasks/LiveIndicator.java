package org.vaadin.addons.livesync.demo.tasks;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.shared.Registration;

/** A small badge: "Live" while changes flow, else what LiveSync is doing or what is wrong. */
class LiveIndicator extends Span {

    private final transient LiveStatus status;
    private Registration registration;

    LiveIndicator(LiveStatus status) {
        this.status = status;
        addClassName("live-indicator");
        show(status.current());
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        UI ui = event.getUI();
        show(status.current());
        registration = status.addListener(snapshot -> {
            try {
                ui.access(() -> show(snapshot));
            } catch (UIDetachedException e) {
                // gone meanwhile; onDetach unregisters
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (registration != null) {
            registration.remove();
            registration = null;
        }
        super.onDetach(event);
    }

    private void show(LiveStatus.Snapshot snapshot) {
        getElement().setAttribute("data-state", snapshot.state().name().toLowerCase());
        setText(switch (snapshot.state()) {
            case STREAMING -> "Live";
            case NEW, STARTING -> "Connecting…";
            case RECONNECTING -> "Reconnecting…";
            case NOT_READY -> "Database not ready";
            case STOPPED -> "Stopped";
        });
        setTitle(snapshot.live() ? "Committed changes appear at once"
                : snapshot.problems().isEmpty() ? "Live updates resume by themselves"
                : String.join("\n", snapshot.problems()));
    }
}
