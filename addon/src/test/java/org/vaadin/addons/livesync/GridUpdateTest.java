package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.vaadin.flow.data.provider.DataChangeEvent;
import com.vaadin.flow.data.provider.ListDataProvider;

/** Only the rows that changed are refreshed when the list keeps its rows and order. */
class GridUpdateTest {

    private final List<Item> backing = new ArrayList<>();
    private final List<DataChangeEvent<Item>> events = new ArrayList<>();
    private final ListDataProvider<Item> provider = new ListDataProvider<>(backing) {
        @Override
        public Object getId(Item item) {
            return item.getId();
        }
    };

    GridUpdateTest() {
        provider.addDataProviderListener(events::add);
    }

    private static Item item(long id, String title) {
        Item item = new Item();
        item.setId(id);
        item.setTitle(title);
        return item;
    }

    @Test
    void aChangedRowInTheSameOrderRefreshesOnlyThatRow() {
        Item a = item(1, "a");
        Item b = item(2, "b");
        GridUpdate.apply(provider, backing, List.of(a, b));
        events.clear();

        Item newB = item(2, "b, changed");
        GridUpdate.apply(provider, backing, List.of(a, newB));

        assertThat(backing).containsExactly(a, newB);
        assertThat(events).singleElement().isInstanceOf(DataChangeEvent.DataRefreshEvent.class)
                .extracting(e -> ((DataChangeEvent.DataRefreshEvent<Item>) e).getItem()).isSameAs(newB);
    }

    @Test
    void anInsertedRemovedOrReorderedRowRefreshesTheWholeList() {
        Item a = item(1, "a");
        Item b = item(2, "b");
        GridUpdate.apply(provider, backing, List.of(a, b));
        events.clear();

        GridUpdate.apply(provider, backing, List.of(b, a));
        GridUpdate.apply(provider, backing, List.of(b));

        assertThat(backing).containsExactly(b);
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e).isNotInstanceOf(DataChangeEvent.DataRefreshEvent.class));
    }
}
