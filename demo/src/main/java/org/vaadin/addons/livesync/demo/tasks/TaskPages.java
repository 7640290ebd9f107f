package org.vaadin.addons.livesync.demo.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;

/**
 * Turns the Grid's query into a Spring Data page request for the board: the Grid's sort orders
 * (column headers, by entity attribute), then title and id as the default order and tie-breaker, so
 * that every page is well defined even when many rows share a status or an assignee. Titles are
 * compared ignoring case ({@link TaskRepository#findPage} reads that as {@code lower(title) COLLATE
 * ucs_basic}, which the index {@code task_organization_title} serves). Stateless.
 */
public final class TaskPages {

    public static final String TITLE = "title";
    static final String ID = "id";

    private TaskPages() {
    }

    /**
     * The page request of {@code query}: its range (the Grid asks for whole pages, so the offset is a
     * multiple of the limit) in the Grid's order, then by title and id.
     *
     * @throws IllegalArgumentException if the range does not start at a page boundary
     */
    static PageRequest of(Query<?, ?> query) {
        if (query.getLimit() > 0 && query.getOffset() % query.getLimit() != 0) {
            throw new IllegalArgumentException("The board pages by whole pages; got offset " + query.getOffset()
                    + " with limit " + query.getLimit());
        }
        PageRequest request = VaadinSpringDataHelpers.toSpringPageRequest(query);
        return request.withSort(withDefaultOrder(request.getSort()));
    }

    /**
     * {@code sort}, with titles compared ignoring case, then by title and id unless it orders by them
     * already; id in the title's direction, so that the index serves both directions of the title.
     */
    public static Sort withDefaultOrder(Sort sort) {
        List<Sort.Order> orders = new ArrayList<>();
        Sort.Direction titleDirection = null;
        for (Sort.Order order : sort) {
            if (order.getProperty().equals(TITLE)) {
                titleDirection = order.getDirection();
                orders.add(order.ignoreCase());
            } else {
                orders.add(order);
            }
        }
        if (titleDirection == null) {
            titleDirection = Sort.Direction.ASC;
            orders.add(Sort.Order.asc(TITLE).ignoreCase());
        }
        if (sort.getOrderFor(ID) == null) {
            orders.add(new Sort.Order(titleDirection, ID));
        }
        return Sort.by(orders);
    }

    /**
     * The board's order as Java compares it, for LiveSync to tell which changes land below the rows
     * a Grid shows ({@code LiveDataProvider.withSortComparator}): by title ignoring case in code
     * point order (as {@code lower(title) COLLATE ucs_basic}), then by id in the title's direction —
     * unsorted or sorted by title only. Null for a sort by another column: the database compares
     * statuses and names by its own collation, which Java does not reproduce.
     *
     * @param sort the Grid's sort orders
     * @return the query's whole order, or null when Java cannot tell it
     */
    public static Comparator<Task> comparator(List<QuerySortOrder> sort) {
        boolean descending;
        if (sort.isEmpty()) {
            descending = false;
        } else if (sort.size() == 1 && sort.getFirst().getSorted().equals(TITLE)) {
            descending = sort.getFirst().getDirection() == SortDirection.DESCENDING;
        } else {
            return null;
        }
        Comparator<Task> order = Comparator.comparing((Task task) -> lowerCase(task.getTitle()), TaskPages::byCodePoint)
                .thenComparing(Task::getId, Comparator.nullsLast(Comparator.naturalOrder()));
        return descending ? order.reversed() : order;
    }

    private static String lowerCase(String title) {
        return title == null ? "" : title.toLowerCase(Locale.ROOT);
    }

    /** Code point order, as {@code ucs_basic} (Java's own {@code compareTo} compares UTF-16 units). */
    private static int byCodePoint(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
