package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;


import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableFunction;

/** A test view: a Grid of the tenant's items, a form for one of them, and a configurable sync() hook. */
class ItemsView extends LiveSyncView<Long> {

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
    Long selectedId;

    ItemsView(LiveSync liveSync, Long tenant, SerializableFunction<Long, List<Item>> loader) {
        super(liveSync, tenant);
        binder.forField(title).bind(Item::getTitle, Item::setTitle);
        list = watchList(Item.class, grid, t -> {
            loads.incrementAndGet();
            return loader.apply(t);
        });
        form = watchBean(Item.class, binder, () -> selectedId);
        add(grid, title);
    }

    @Override
    protected <T> List<T> sync(WatchKey<T> key, List<T> updated) {
        syncCalls.incrementAndGet();
        @SuppressWarnings("unchecked")
        List<T> result = (List<T>) hook.apply((List<Item>) updated);
        return result;
    }

    @Override
    protected <T> void onBeanChangedWhileEditing(WatchedBean<T> bean, T newest) {
        conflicts.add((Item) newest);
        super.onBeanChangedWhileEditing(bean, newest);
    }

    @Override
    protected <T> void onBeanDeleted(WatchedBean<T> bean) {
        deletedBeans.add((Item) bean.bean());
        super.onBeanDeleted(bean);
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
