package org.vaadin.addons.livesync.internal.watch;

/**
 * The one subscription key of every row of a {@link org.vaadin.addons.livesync.Watched#global()
 * global} entity, and the value every subscription to such an entity registers under
 * ({@link WatchedEntity#GLOBAL}): routing, the interest filter and the key check before a put then
 * work for global entities as for keyed ones. An enum, so that it stays one instance across
 * serialization. Immutable.
 */
enum GlobalKey {
    GLOBAL;

    @Override
    public String toString() {
        return "global";
    }
}
