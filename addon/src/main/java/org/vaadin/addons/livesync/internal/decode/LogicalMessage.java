package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message written with {@code pg_logical_emit_message}.
 * Immutable and thread-safe (a record of immutable values).
 *
 * @param transactional whether it was written as part of a transaction
 * @param lsn           its position
 * @param prefix        the prefix given by the writer
 * @param content       the content bytes
 */
public record LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content) implements Serializable {

    /** Equal when every component is, the content compared by its bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof LogicalMessage other && other.transactional == transactional
                && Objects.equals(other.lsn, lsn) && Objects.equals(other.prefix, prefix)
                && Arrays.equals(other.content, content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transactional, lsn, prefix, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "LogicalMessage[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix + ", content="
                + (content == null ? "null" : "<" + content.length + " bytes>") + "]";
    }
}
