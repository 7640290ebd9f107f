package org.vaadin.addons.livesync;

import java.io.Serializable;

/**
 * The record in a form was deleted, or moved to another subscription value; the form was cleared.
 * For {@link WatchedBean#addRemovedListener removed listeners}, on the UI thread. Immutable.
 *
 * @param bean    the watched bean (now showing nothing)
 * @param id      the id of the record it showed
 * @param removed the version the form showed (this view's own instance)
 * @param <T>     the entity type
 */
public record BeanRemoved<T>(WatchedBean<T> bean, Object id, T removed) implements Serializable {
}
