package org.vaadin.addons.livesync.internal.watch;

import org.hibernate.type.descriptor.converter.spi.BasicValueConverter;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.Row;

/**
 * One column a {@link WatchedEntity} reads from decoded rows (its id or its subscription key), and
 * how its text becomes the attribute's Java value: {@link Row#get(String, Class)} into the
 * attribute's type or, for an attribute with a converter, into the converter's relational type and
 * then through the converter. Immutable and thread-safe.
 */
final class WatchedColumn {

    private final String name;
    private final Class<?> javaType;
    private final Class<?> readType;
    private final BasicValueConverter<Object, Object> converter;

    /**
     * @param name      the column's name as PostgreSQL stores it
     * @param javaType  the attribute's (boxed) Java type
     * @param converter the attribute's converter, or {@code null}
     */
    @SuppressWarnings("unchecked")
    WatchedColumn(String name, Class<?> javaType, BasicValueConverter<?, ?> converter) {
        this.name = name;
        this.javaType = javaType;
        this.converter = (BasicValueConverter<Object, Object>) converter;
        this.readType = converter == null ? javaType : boxed(converter.getRelationalJavaType().getJavaTypeClass());
    }

    String name() {
        return name;
    }

    Class<?> javaType() {
        return javaType;
    }

    /** The column in {@code relation}, or {@code null} when the relation does not carry it. */
    Column in(Relation relation) {
        int index = relation.columnIndex(name);
        return index < 0 ? null : relation.columns().get(index);
    }

    /**
     * Reads the column's value from {@code row}; SQL {@code NULL} is {@code null}.
     *
     * @throws IllegalStateException    if the value is an unchanged TOAST value
     * @throws IllegalArgumentException if the value cannot be converted to the attribute's type
     */
    Object read(Row row) {
        Object value;
        try {
            value = row.get(name, readType);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot read column " + name + " of "
                    + row.relation().qualifiedName() + " as " + readType.getName() + ": " + e.getMessage(), e);
        }
        return value == null || converter == null ? value : converter.toDomainValue(value);
    }

    static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "long" -> Long.class;
            case "int" -> Integer.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "boolean" -> Boolean.class;
            case "char" -> Character.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            default -> throw new IllegalArgumentException("Not a Java value type: " + type);
        };
    }

    @Override
    public String toString() {
        return name + " (" + javaType.getSimpleName() + ")";
    }
}
