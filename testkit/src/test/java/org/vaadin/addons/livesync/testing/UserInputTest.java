package org.vaadin.addons.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.mvysny.kaributesting.v10.HasValueUtilsKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.textfield.TextField;

/** Karibu's {@code _setValue} on Vaadin 25.2, and the kit's way around it. */
class UserInputTest {

    @BeforeEach
    void setUp() {
        MockVaadin.setup();
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
    }

    @Test
    void karibusSetValueFailsOnThisVaadin() {
        TextField field = new TextField("Title");
        UI.getCurrent().add(field);
        assertThatThrownBy(() -> HasValueUtilsKt._setValue(field, "typed"))
                .isInstanceOf(NoSuchMethodException.class).hasMessageContaining("AbstractFieldSupport.setValue");
    }

    @Test
    void typeSetsTheValueAsTheUsersInput() {
        TextField field = new TextField("Title");
        UI.getCurrent().add(field);
        List<Boolean> fromClient = new ArrayList<>();
        field.addValueChangeListener(e -> fromClient.add(e.isFromClient()));

        UserInput.type(field, "typed");
        field.setValue("set by code");

        assertThat(field.getValue()).isEqualTo("set by code");
        assertThat(fromClient).containsExactly(true, false);
    }

    @Test
    void typeRefusesAReadOnlyField() {
        TextField field = new TextField("Title");
        field.setReadOnly(true);
        UI.getCurrent().add(field);
        assertThatThrownBy(() -> UserInput.type(field, "typed")).hasMessageContaining("read-only");
        assertThat(field.getValue()).isEmpty();
    }
}
