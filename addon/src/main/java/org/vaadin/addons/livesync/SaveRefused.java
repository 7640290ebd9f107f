package org.vaadin.addons.livesync;

import java.io.Serializable;

/**
 * A {@link WatchedBean#save() save} wrote nothing because the row is no longer what the form
 * loaded: changed by someone else ({@link SaveResult#CHANGED_ELSEWHERE}), or deleted or moved
 * ({@link SaveResult#REMOVED}); or because the save would have changed the record's id or
 * subscription key ({@link SaveResult#IDENTITY_CHANGED}). The form keeps the user's edits; the
 * database keeps what it has.
 * For {@link WatchedBean#addSaveRefusedListener save-refused listeners}, on the UI thread, before
 * {@code save} returns. Immutable.
 *
 * @param bean   the watched bean
 * @param result why nothing was saved
 * @param <T>    the entity type
 */
public record SaveRefused<T>(WatchedBean<T> bean, SaveResult result) implements Serializable {

    /** Shows the notice that is shown when no save-refused listener is registered. */
    public void showDefaultNotice() {
        bean.defaultSaveRefusedNotice(result);
    }
}
