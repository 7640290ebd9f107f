package org.vaadin.addons.livesync.internal.decode;

import java.io.Serial;

/** A pgoutput message that cannot be decoded: malformed, unexpected here, or of an unknown kind. */
public class DecodeException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what could not be decoded.
     *
     * @param message what was wrong with the message
     */
    public DecodeException(String message) {
        super(message);
    }

    /**
     * An exception saying what could not be decoded, and why.
     *
     * @param message what was wrong with the message
     * @param cause   the underlying failure
     */
    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
