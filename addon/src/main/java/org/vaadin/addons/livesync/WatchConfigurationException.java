package org.vaadin.addons.livesync;

import java.io.Serial;

/**
 * A {@link Watched} declaration that cannot work: an unknown or unsuitable attribute, a missing
 * table, a view where a base table is needed. The message names the entity class and the attribute
 * or table, and says what to change.
 */
public class WatchConfigurationException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public WatchConfigurationException(String message) {
        super(message);
    }

    public WatchConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
