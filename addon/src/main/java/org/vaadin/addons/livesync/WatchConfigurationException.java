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

    /**
     * An exception with the message that says what to change.
     *
     * @param message what is wrong and how to fix it, naming the entity and attribute
     */
    public WatchConfigurationException(String message) {
        super(message);
    }

    /**
     * An exception with the message that says what to change, and its cause.
     *
     * @param message what is wrong and how to fix it, naming the entity and attribute
     * @param cause   what Hibernate or the JDK reported
     */
    public WatchConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
