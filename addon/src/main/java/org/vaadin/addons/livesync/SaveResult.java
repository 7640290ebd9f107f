package org.vaadin.addons.livesync;

/**
 * What {@link WatchedBean#save()} did. Only {@link #SAVED} wrote anything; in every other case the
 * database keeps what it has and the form keeps the user's edits.
 */
public enum SaveResult {

    /** The form's values were written, over the row exactly as the form had loaded it. */
    SAVED,

    /** The form's input is not valid (the fields show why): nothing was written. */
    INVALID,

    /**
     * The row was changed by someone else (any writer, plain SQL included) since the form loaded it:
     * nothing was written. {@link WatchedBean#showNewest()} shows the newest version,
     * {@link WatchedBean#keepEditsOnNewest()} puts the user's edits on top of it for a deliberate save.
     */
    CHANGED_ELSEWHERE,

    /** The row was deleted, or moved to another subscription value: nothing was written. */
    REMOVED,

    /**
     * The save would write another record or move this one to another subscription value: the
     * form's values (an id or subscription key bound in the form and edited), or the saver, changed
     * the record's id or subscription key, or the row was in another subscription value after the
     * saver's write. Nothing was written (the saver's write was rolled back).
     */
    IDENTITY_CHANGED,

    /** No record is shown in the form: nothing was written. */
    NO_RECORD;

    /** {@return whether the form's values were written} */
    public boolean isSaved() {
        return this == SAVED;
    }
}
