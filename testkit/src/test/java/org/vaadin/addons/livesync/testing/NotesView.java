package org.vaadin.addons.livesync.testing;

import java.util.List;

import org.hibernate.SessionFactory;
import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.WatchedList;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;

/** A board's notes in a live Grid, as an application's view would show them. */
class NotesView extends Composite<Grid<Note>> {

    private final WatchedList<Note> notes;

    NotesView(SessionFactory sessionFactory, long board) {
        notes = LiveScope.of(this, board).watchList(Note.class, b -> sessionFactory.fromSession(s -> s
                .createSelectionQuery("from Note where board = :b order by id", Note.class)
                .setParameter("b", b).getResultList()));
        getContent().setItems(notes.dataProvider());
    }

    /** The texts the Grid shows, in order. */
    List<String> texts() {
        return getContent().getGenericDataView().getItems().map(Note::getText).toList();
    }
}
