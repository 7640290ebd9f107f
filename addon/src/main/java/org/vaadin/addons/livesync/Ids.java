package org.vaadin.addons.livesync;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;

import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * Turns an id given by the application (often from a route parameter) into the entity's id type,
 * exactly or not at all: an id of another type would never match a row. Stateless.
 */
final class Ids {

    private Ids() {
    }

    /**
     * {@code id} as the entity's id type.
     *
     * @throws IllegalArgumentException if it cannot be converted exactly, saying what was expected
     */
    static Object convert(WatchedEntity<?> entity, Object id) {
        Class<?> type = entity.idType();
        if (type.isInstance(id)) {
            return id;
        }
        try {
            Object converted = convert(type, id);
            if (converted != null) {
                return converted;
            }
        } catch (ArithmeticException | IllegalArgumentException e) {
            // falls through to the clear message
        }
        throw new IllegalArgumentException(entity.type().getSimpleName() + " ids are " + type.getSimpleName()
                + ", but the " + id.getClass().getSimpleName() + " " + id + " was given, which is not one exactly: "
                + "pass a " + type.getSimpleName() + " (e.g. " + type.getSimpleName() + ".valueOf(...))");
    }

    private static Object convert(Class<?> type, Object id) {
        if (id instanceof Number number && !(id instanceof Double) && !(id instanceof Float)) {
            BigInteger exact = number instanceof BigDecimal decimal ? decimal.toBigIntegerExact()
                    : new BigInteger(number.toString());
            if (type == Long.class) {
                return exact.longValueExact();
            }
            if (type == Integer.class) {
                return exact.intValueExact();
            }
            if (type == Short.class) {
                return exact.shortValueExact();
            }
            if (type == BigInteger.class) {
                return exact;
            }
        } else if (id instanceof String text) {
            if (type == Long.class) {
                return Long.valueOf(text.strip());
            }
            if (type == Integer.class) {
                return Integer.valueOf(text.strip());
            }
            if (type == UUID.class) {
                return UUID.fromString(text.strip());
            }
        }
        return null;
    }
}
