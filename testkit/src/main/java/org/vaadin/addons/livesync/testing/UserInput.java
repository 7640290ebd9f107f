package org.vaadin.addons.livesync.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import com.vaadin.flow.component.AbstractField;

/**
 * Sets a field's value as if the user had typed it: the value change event says
 * {@code isFromClient() == true}, so code that reacts only to the user's edits runs. Karibu-Testing
 * 2.6.2's {@code _setValue} does that, but fails with Vaadin 25.2 ({@code NoSuchMethodException} for
 * {@code AbstractFieldSupport.setValue}: the signature it reflects on changed); this calls Vaadin's
 * own hook for client values, {@code AbstractField.setModelValue(value, true)}, instead. Where
 * {@code isFromClient()} does not matter, plain {@code field.setValue(value)} is enough (a Binder
 * counts it as a change too). Call it on the test thread, which holds the session's lock. Stateless.
 */
public final class UserInput {

    private static final Method SET_MODEL_VALUE = setModelValue();

    private UserInput() {
    }

    /**
     * Sets the value as the user's input.
     *
     * @param <V>   the field's value type
     * @param field the field, e.g. a {@code TextField} or {@code ComboBox}
     * @param value the value the user "entered"
     * @throws IllegalStateException when the field is read-only or disabled (a user could not type into it)
     */
    public static <V> void type(AbstractField<?, V> field, V value) {
        if (field.isReadOnly() || !field.isEnabled()) {
            throw new IllegalStateException(field.getClass().getSimpleName() + " is "
                    + (field.isReadOnly() ? "read-only" : "disabled") + ": a user could not enter a value");
        }
        try {
            SET_MODEL_VALUE.invoke(field, value, true);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method setModelValue() {
        try {
            Method method = AbstractField.class.getDeclaredMethod("setModelValue", Object.class, boolean.class);
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("This Vaadin version has no AbstractField.setModelValue(value, fromClient)", e);
        }
    }
}
