package org.vaadin.addons.livesync.internal.decode;

import java.io.Serial;

/** A pgoutput message that cannot be decoded: malformed, unexpected here, or of an unknown kind. */
public class DecodeException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
