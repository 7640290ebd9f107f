package org.vaadin.addons.livesync.demo.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;

/** The board's Grid queries as Spring Data page requests: range, the Grid's order, then title and id. */
class TaskPagesTest {

    @Test
    void anUnsortedQueryIsOrderedByTitleIgnoringCaseThenById() {
        PageRequest page = TaskPages.of(new Query<>(100, 50, List.of(), null, null));
        assertThat(page.getPageNumber()).isEqualTo(2);
        assertThat(page.getPageSize()).isEqualTo(50);
        assertThat(page.getSort()).containsExactly(Sort.Order.asc("title").ignoreCase(), Sort.Order.asc("id"));
    }

    @Test
    void theGridsOrderComesFirstAndTitleAndIdBreakTies() {
        PageRequest page = TaskPages.of(new Query<>(0, 50,
                List.of(new QuerySortOrder("status", SortDirection.DESCENDING)), null, null));
        assertThat(page.getSort()).containsExactly(Sort.Order.desc("status"), Sort.Order.asc("title").ignoreCase(),
                Sort.Order.asc("id"));
    }

    @Test
    void aDescendingTitleOrderTakesTheIdTheSameWay() {
        PageRequest page = TaskPages.of(new Query<>(0, 50,
                List.of(new QuerySortOrder("title", SortDirection.DESCENDING)), null, null));
        assertThat(page.getSort()).containsExactly(Sort.Order.desc("title").ignoreCase(), Sort.Order.desc("id"));
    }

    @Test
    void aRangeThatDoesNotStartAtAPageIsRefused() {
        assertThatThrownBy(() -> TaskPages.of(new Query<>(10, 50, List.of(), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 10 with limit 50");
    }
}
