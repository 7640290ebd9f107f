package org.vaadin.addons.livesync;

import java.util.List;


import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableFunction;

/** A test view of a tenant's {@link Part}s: a Grid of titles and a form for one part. */
class PartsView extends LiveSyncView<Long, VerticalLayout> {

    final Grid<Part> grid = new Grid<>();
    final Binder<Part> binder = new Binder<>(Part.class);
    final TextField title = new TextField("Title");
    final WatchedList<Part> list;
    final WatchedBean<Part> form;

    PartsView(LiveSync liveSync, Long tenant, SerializableFunction<Long, List<Part>> loader) {
        super(liveSync, tenant);
        grid.addColumn(Part::getTitle);
        binder.forField(title).bind(Part::getTitle, Part::setTitle);
        list = watchList(Part.class, grid, loader);
        form = watchBean(Part.class, binder);
        getContent().add(grid, title);
    }

    /** The delivered part with this title, or null. */
    Part part(String title) {
        return list.items().stream().filter(p -> title.equals(p.getTitle())).findFirst().orElse(null);
    }
}
