package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import com.vaadin.flow.server.VaadinSession;

/**
 * The scopes a session's attached components keep live, stored in the session so that they travel
 * with it when the servlet container serializes it (session persistence, session replication).
 * After such a round trip nothing is registered with LiveSync any more (registrations are not
 * serialized); the first request of the session revives every scope: it registers again and loads
 * again, so nothing committed in between is missed. Guarded by the session's lock.
 */
final class LiveScopes implements Serializable {

    /** Each scope once, in the order they became active: a session has a few, so a list, not a set. */
    private final List<LiveScope<?>> scopes = new ArrayList<>(2);
    /** False after deserialization: the scopes are not registered until revived. */
    private transient boolean live = true;

    /** The session's registry, created on first use. Session lock held. */
    static LiveScopes of(VaadinSession session) {
        LiveScopes scopes = session.getAttribute(LiveScopes.class);
        if (scopes == null) {
            scopes = new LiveScopes();
            session.setAttribute(LiveScopes.class, scopes);
        }
        return scopes;
    }

    void add(LiveScope<?> scope) {
        if (!scopes.contains(scope)) {
            scopes.add(scope);
        }
    }

    void remove(LiveScope<?> scope) {
        scopes.remove(scope);
    }

    /** Session lock held: registers again every scope whose owner is attached, once after deserialization. */
    static void reviveIfNeeded(VaadinSession session) {
        LiveScopes found = session.getAttribute(LiveScopes.class);
        if (found == null || found.live) {
            return;
        }
        found.live = true;
        List<LiveScope<?>> all = new ArrayList<>(found.scopes);
        found.scopes.clear();
        all.forEach(LiveScope::revive);
    }
}
