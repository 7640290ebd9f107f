package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.vaadin.flow.data.provider.ListDataProvider;

/**
 * Shows a new version of a Grid's list with as little sent to the browser as possible: when the
 * rows and their order are the same (only some rows changed), just those rows are refreshed; else
 * the whole list. UI thread only.
 */
final class GridUpdate {

    private GridUpdate() {
    }

    static <T> void apply(ListDataProvider<T> provider, List<T> backing, List<T> items) {
        if (sameRowsInSameOrder(provider, backing, items)) {
            List<T> changed = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (backing.get(i) != items.get(i)) {
                    backing.set(i, items.get(i));
                    changed.add(items.get(i));
                }
            }
            changed.forEach(provider::refreshItem);
            return;
        }
        backing.clear();
        backing.addAll(items);
        provider.refreshAll();
    }

    private static <T> boolean sameRowsInSameOrder(ListDataProvider<T> provider, List<T> backing, List<T> items) {
        if (backing.size() != items.size()) {
            return false;
        }
        for (int i = 0; i < items.size(); i++) {
            if (!Objects.equals(provider.getId(backing.get(i)), provider.getId(items.get(i)))) {
                return false;
            }
        }
        return true;
    }
}
