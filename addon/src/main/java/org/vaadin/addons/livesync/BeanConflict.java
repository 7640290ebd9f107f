package org.vaadin.addons.livesync;

import java.io.Serializable;

/**
 * The record in a form changed in the database while the user has unsaved edits in it: nothing was
 * overwritten. For {@link WatchedBean#addConflictListener conflict listeners}, on the UI thread.
 * The listener may {@link WatchedBean#showNewest() show the newest version} (dropping the edits),
 * {@link WatchedBean#keepEditsOnNewest() keep the edits on the newest version}, or let the user go
 * on editing. Immutable.
 *
 * @param bean   the watched bean
 * @param newest the newest version of the record (this view's own instance)
 * @param <T>    the entity type
 */
public record BeanConflict<T>(WatchedBean<T> bean, T newest) implements Serializable {

    /** Shows the notice that is shown when no conflict listener is registered. */
    public void showDefaultNotice() {
        bean.defaultConflictNotice();
    }
}
