package org.vaadin.addons.livesync.testing.springapp;

import java.security.Principal;
import java.util.List;

import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.testing.Note;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinRequest;

import jakarta.persistence.EntityManagerFactory;

/** Board 1's notes, live, and who is signed in: a Spring-managed route. */
@Route("")
public class BoardView extends Composite<VerticalLayout> {

    final Grid<Note> grid = new Grid<>(Note.class);
    final Span user = new Span();

    BoardView(EntityManagerFactory entityManagerFactory) {
        grid.setItems(LiveScope.of(this, 1L).watchList(Note.class, board -> {
            var em = entityManagerFactory.createEntityManager();
            try {
                return em.createQuery("from Note where board = :b order by id", Note.class).setParameter("b", board)
                        .getResultList();
            } finally {
                em.close();
            }
        }).dataProvider());
        Principal principal = VaadinRequest.getCurrent().getUserPrincipal();
        user.setText(principal == null ? "nobody" : principal.getName());
        getContent().add(user, grid);
    }

    /** The texts the Grid shows, in order. */
    List<String> texts() {
        return grid.getGenericDataView().getItems().map(Note::getText).toList();
    }
}
