package org.vaadin.addons.livesync.internal.events;

import java.util.List;

/**
 * The subscription values under which views hold a row (the dispatcher's held-id index): what
 * LiveSync knows of the value of a row whose change carries no key. Called on the delivery thread;
 * thread-safe.
 */
@FunctionalInterface
public interface RowHolders {

    /**
     * The values views hold the row under (each view loaded it, or was given it, with that key).
     *
     * @param type the entity type
     * @param id the row's id
     * @return the values, usually one (two while the row moves); empty when no view holds it
     */
    List<Object> valuesOf(Class<?> type, Object id);
}
