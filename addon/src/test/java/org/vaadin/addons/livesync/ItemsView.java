package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;


import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableFunction;

/** A test view: a Grid of the tenant's items, a form for one of them, and a configurable sync() hook. */
class ItemsView extends LiveSyncView<Long, VerticalLayout> {

    static final WatchKey<Item> ITEMS = WatchKey.of(Item.class);

    final Grid<Item> grid = new Grid<>(Item.class);
    final Binder<Item> binder = new Binder<>(Item.class);
    final TextField title = new TextField("Title");
    final WatchedList<Item> list;
    final WatchedBean<Item> form;
    final AtomicInteger syncCalls = new AtomicInteger();
    final AtomicInteger loads = new AtomicInteger();
    final List<Item> deletedBeans = new ArrayList<>();
    final List<Item> conflicts = new ArrayList<>();
    Function<List<Item>, List<Item>> hook = Function.identity();

    ItemsView(LiveSync liveSync, Long tenant, SerializableFunction<Long, List<Item>> loader) {
        super(liveSync, tenant);
        binder.forField(title).bind(Item::getTitle, Item::setTitle);
        list = watchList(Item.class, grid, t -> {
            loads.incrementAndGet();
            return loader.apply(t);
        });
        form = watchBean(Item.class, binder);
        form.addConflictListener(conflict -> {
            conflicts.add(conflict.newest());
            conflict.showDefaultNotice();
        });
        form.addRemovedListener(removed -> deletedBeans.add(removed.removed()));
        getContent().add(grid, title);
    }

    @Override
    protected <T> List<T> sync(WatchKey<T> key, List<T> rows) {
        syncCalls.incrementAndGet();
        return key.when(ITEMS, rows, items -> hook.apply(items));
    }

    /** The titles in the Grid, in order. */
    List<String> titles() {
        return grid.getGenericDataView().getItems().map(Item::getTitle).toList();
    }

    static List<Item> openSortedByTitle(List<Item> items) {
        return items.stream().filter(i -> !"done".equals(i.getStatus()))
                .sorted(Comparator.comparing(Item::getTitle)).toList();
    }
}
