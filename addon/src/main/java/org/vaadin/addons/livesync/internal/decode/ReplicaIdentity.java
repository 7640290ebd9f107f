package org.vaadin.addons.livesync.internal.decode;

/** A table's {@code REPLICA IDENTITY}: which old values its updates and deletes carry in the WAL. */
public enum ReplicaIdentity {
    /** The primary key's columns, and only when they change (updates) or always (deletes). */
    DEFAULT('d'),
    /** No old values at all. */
    NOTHING('n'),
    /** Every column's old value. */
    FULL('f'),
    /** The columns of the chosen unique index. */
    INDEX('i');

    private final char code;

    ReplicaIdentity(char code) {
        this.code = code;
    }

    /** {@return pgoutput's one-letter code} */
    public char code() {
        return code;
    }

    /**
     * Returns the identity for pgoutput's one-letter code.
     *
     * @param code the code: {@code d}, {@code n}, {@code f} or {@code i}
     * @return the identity for pgoutput's one-letter code
     * @throws DecodeException for an unknown code
     */
    public static ReplicaIdentity ofCode(char code) {
        for (ReplicaIdentity identity : values()) {
            if (identity.code == code) {
                return identity;
            }
        }
        throw new DecodeException("Unknown replica identity code '" + code + "'");
    }
}
