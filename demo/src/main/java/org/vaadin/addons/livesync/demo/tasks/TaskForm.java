package org.vaadin.addons.livesync.demo.tasks;

import java.util.List;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.signals.Signal;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.value.ValueChangeMode;

/**
 * The form of the selected task: title, status, assignee and notes in a buffered {@link Binder}
 * (fields are written to the task only on Save). The view decides what Save and Discard do.
 */
class TaskForm extends Div {

    private static final List<String> STATUSES = List.of(Task.OPEN, Task.IN_PROGRESS, Task.DONE);

    final TextField title = new TextField("Title");
    final ComboBox<String> status = new ComboBox<>("Status");
    final TextField assignee = new TextField("Assignee");
    final TextArea notes = new TextArea("Notes");
    final Button save = new Button("Save");
    final Button discard = new Button("Discard");
    final H3 heading = new H3("Task");
    private final Binder<Task> binder = new Binder<>();
    private final Paragraph empty = new Paragraph("Select a task to edit it.");
    private final FormLayout fields = new FormLayout();

    TaskForm() {
        addClassName("task-form");
        status.setItems(STATUSES);
        status.setAllowCustomValue(true); // outside writers may store other statuses: shown and kept as they are
        status.addCustomValueSetListener(event -> status.setValue(event.getDetail()));
        notes.addClassName("task-notes");
        // The server learns of an edit as it is typed, not only when the field loses focus: a change made
        // elsewhere meanwhile must find the form "being edited" and leave it alone.
        title.setValueChangeMode(ValueChangeMode.EAGER);
        assignee.setValueChangeMode(ValueChangeMode.EAGER);
        notes.setValueChangeMode(ValueChangeMode.LAZY);
        binder.forField(title).asRequired("A task needs a title").bind(Task::getTitle, Task::setTitle);
        binder.forField(status).asRequired("A task needs a status").bind(Task::getStatus, Task::setStatus);
        // an empty field is stored as null, as outside writers leave these columns
        binder.forField(assignee).withNullRepresentation("").bind(Task::getAssignee, Task::setAssignee);
        binder.forField(notes).withNullRepresentation("").bind(Task::getNotes, Task::setNotes);
        binder.addValueChangeListener(event -> updateButtons());
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        fields.add(title, status, assignee, notes);
        fields.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        add(heading, empty, fields, new HorizontalLayout(save, discard));
        showing(false);
    }

    Binder<Task> binder() {
        return binder;
    }

    /**
     * The heading follows the task as the database has it ({@code WatchedBean.signal()}): its saved
     * title, also while the fields hold unsaved edits or an outside writer renames it.
     */
    void headingFollows(Signal<Task> saved) {
        Signal.effect(heading, () -> {
            Task task = saved.get();
            heading.setText(task == null ? "Task" : "Task: " + task.getTitle());
        });
    }

    /** Whether a task is shown: the fields are enabled only then. */
    void showing(boolean shown) {
        empty.setVisible(!shown);
        fields.setEnabled(shown);
        updateButtons();
        discard.setEnabled(shown);
    }

    private void updateButtons() {
        save.setEnabled(fields.isEnabled() && binder.hasChanges());
    }
}
