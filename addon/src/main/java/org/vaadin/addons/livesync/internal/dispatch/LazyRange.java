package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.QuerySortOrder;

/**
 * What a lazy Grid asked its provider for last, as the queries a {@link BackgroundRefresh} runs
 * for it, and the results of the last such refresh, which answer the Grid's requests without a
 * query. The Grid's data communicator asks for the count and then for the pages of its range, one
 * after the other; remembered are the last contiguous run of pages of one sort and filter (at most
 * {@value #MAX_PAGES}), the filter of the latest request (a count with a new filter may be followed
 * by no page at all when it is zero) and whether a count was asked. A refresh fetches those pages
 * with that filter, each at least as wide as the widest page asked and as {@value #MIN_LIMIT} rows
 * (so that a range that grows within a page is answered too: the Grid asks no further than its
 * count, so when rows are added at the end of a short list its next page is wider), and the count.
 * <p>
 * The results answer a request of the same sort and filter that lies within a fetched page (or
 * starts within one that ended short, at the end of the rows), and the count of the same filter,
 * until the next refresh's results replace them or {@link #forget} drops them. Rows updated in place
 * are replaced in them ({@link #replace}), so that they are never older than what the Grid shows.
 * Memory: at most {@value #MAX_PAGES} pages of the Grid's page size.
 * <p>
 * Not thread-safe: used on the UI thread; the {@link Plan}s and {@link Result}s it takes and hands
 * out are immutable. For internal use only.
 *
 * @param <T> the entity type
 * @param <F> the filter type
 */
public final class LazyRange<T, F> {

    /** Nothing asked for yet. */
    public LazyRange() {
    }

    /** The most pages remembered (and fetched by a refresh). */
    public static final int MAX_PAGES = 8;

    /** The narrowest page a refresh fetches: the Grid's default page size. */
    static final int MIN_LIMIT = 50;

    /**
     * The queries of a refresh.
     *
     * @param <T> the entity type
     * @param <F> the filter type
     * @param count the count query, or null for none
     * @param pages the page queries
     */
    public record Plan<T, F>(Query<T, F> count, List<Query<T, F>> pages) {
    }

    /**
     * A fetched page.
     *
     * @param <T> the entity type
     * @param offset its offset
     * @param limit its limit
     * @param sort its sort key ({@link #sortKey})
     * @param filter its filter, or null
     * @param rows its rows
     */
    public record Page<T>(int offset, int limit, List<String> sort, Object filter, List<T> rows) {

        /** {@return the rows of the request, or null if this page does not hold all of them} */
        List<T> answer(Query<?, ?> query) {
            if (!sort.equals(sortKey(query.getSortOrders())) || !Objects.equals(filter, query.getFilter().orElse(null))
                    || query.getOffset() < offset) {
                return null;
            }
            long from = (long) query.getOffset() - offset;
            long to = from + query.getLimit();
            boolean ended = rows.size() < limit; // the rows end within this page
            if (to > limit && !ended) {
                return null;
            }
            int size = rows.size();
            return List.copyOf(rows.subList((int) Math.min(from, size), (int) Math.min(to, size)));
        }

        /**
         * {@return the page with {@code newRows} instead}
         *
         * @param newRows the rows the page holds instead
         */
        public Page<T> with(List<T> newRows) {
            return new Page<>(offset, limit, sort, filter, List.copyOf(newRows));
        }
    }

    /**
     * What a refresh fetched.
     *
     * @param <T> the entity type
     * @param counted whether it counted
     * @param count the count, if counted
     * @param countFilter the count's filter, or null
     * @param pages the pages
     */
    public record Result<T>(boolean counted, int count, Object countFilter, List<Page<T>> pages) {

        /**
         * {@return the same with each page's rows mapped by {@code rows}}
         *
         * @param rows maps a page's rows
         */
        public Result<T> mapPages(UnaryOperator<List<T>> rows) {
            List<Page<T>> mapped = new ArrayList<>(pages.size());
            for (Page<T> page : pages) {
                mapped.add(page.with(rows.apply(page.rows())));
            }
            return new Result<>(counted, count, countFilter, mapped);
        }
    }

    private final List<Query<T, F>> run = new ArrayList<>();
    private boolean newRunDue;
    private int widest;
    private boolean countAsked;
    private F filter;
    private Result<T> results;

    /**
     * The Grid asked for {@code query}'s page (answered or not).
     *
     * @param query the Grid's page query
     */
    public void fetched(Query<T, F> query) {
        filter = query.getFilter().orElse(null);
        if (newRunDue || !continuesRun(query)) {
            run.clear();
            newRunDue = false;
        }
        run.add(query);
        if (run.size() > MAX_PAGES) {
            run.removeFirst();
        }
        widest = Math.max(widest, query.getLimit());
    }

    /**
     * The Grid asked for the count of {@code query} (answered or not): its next page starts a new run.
     *
     * @param query the Grid's count query
     */
    public void counted(Query<T, F> query) {
        filter = query.getFilter().orElse(null);
        countAsked = true;
        newRunDue = true;
    }

    private boolean continuesRun(Query<T, F> query) {
        if (run.isEmpty()) {
            return true;
        }
        Query<T, F> last = run.getLast();
        return (long) last.getOffset() + last.getLimit() == query.getOffset()
                && sortKey(last.getSortOrders()).equals(sortKey(query.getSortOrders()))
                && Objects.equals(last.getFilter(), query.getFilter());
    }

    /**
     * {@return the queries a refresh runs now}
     *
     * @param countKept whether the count with the latest filter ({@link #filter()}) is kept by the
     *     changes (then it is not counted)
     */
    public Plan<T, F> plan(boolean countKept) {
        Map<List<Object>, Query<T, F>> pages = new LinkedHashMap<>();
        for (Query<T, F> page : run) {
            int limit = Math.max(Math.max(page.getLimit(), widest), MIN_LIMIT);
            pages.putIfAbsent(List.of(page.getOffset(), limit, sortKey(page.getSortOrders())),
                    new Query<>(page.getOffset(), limit, page.getSortOrders(), page.getInMemorySorting(), filter));
        }
        Query<T, F> count = countAsked && !countKept ? new Query<>(filter) : null;
        return new Plan<>(count, List.copyOf(pages.values()));
    }

    /** {@return the filter of the Grid's latest request; null for none} */
    public F filter() {
        return filter;
    }

    /**
     * Takes a refresh's results: they answer the Grid's requests from now on.
     *
     * @param result the refresh's results
     */
    public void install(Result<T> result) {
        results = result;
    }

    /**
     * {@return the sort orders of the Grid's latest page request; empty when it does not sort or asked for none}
     */
    public List<QuerySortOrder> sortOrders() {
        return run.isEmpty() ? List.of() : run.getLast().getSortOrders();
    }

    /**
     * The last row of the last refresh's results, when a row that sorts after it cannot be in them
     * nor in what the Grid asks for: the results answer every page of the Grid's run, and their last
     * page is full (the rows go on below it). Null otherwise (then a change below cannot be told).
     *
     * @return the row that bounds what the Grid shows from below, or null
     */
    public T lastRowWithMoreBelow() {
        if (results == null || run.isEmpty()) {
            return null;
        }
        for (Query<T, F> query : run) {
            if (rows(query).isEmpty()) {
                return null;
            }
        }
        Page<T> last = null;
        for (Page<T> page : results.pages()) {
            if (last == null || page.offset() > last.offset()) {
                last = page;
            }
        }
        if (last == null || last.rows().isEmpty() || last.rows().size() < last.limit()
                || !last.sort().equals(sortKey(sortOrders())) || !Objects.equals(last.filter(), filter)) {
            return null;
        }
        return last.rows().getLast();
    }

    /** The results' count no longer holds (rows below them came or went): the Grid's next count request takes the kept one. */
    public void uncount() {
        if (results != null && results.counted()) {
            results = new Result<>(false, 0, null, results.pages());
        }
    }

    /** Drops the results: the Grid's requests run queries until the next refresh. */
    public void forget() {
        results = null;
    }

    /**
     * {@return the rows of {@code query} from the last refresh, if it fetched them all}
     *
     * @param query the Grid's page query
     */
    public Optional<List<T>> rows(Query<T, F> query) {
        if (results != null) {
            for (Page<T> page : results.pages()) {
                List<T> rows = page.answer(query);
                if (rows != null) {
                    return Optional.of(rows);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@return the count of {@code query} from the last refresh, if it counted with the same filter}
     *
     * @param query the Grid's count query
     */
    public OptionalInt count(Query<T, F> query) {
        if (results != null && results.counted() && Objects.equals(results.countFilter(), query.getFilter().orElse(null))) {
            return OptionalInt.of(results.count());
        }
        return OptionalInt.empty();
    }

    /**
     * A row was updated in place: the results hold its new state from now on.
     *
     * @param id the row's id
     * @param row the row's new state
     * @param idOf tells a row's id
     */
    public void replace(Object id, T row, Function<T, Object> idOf) {
        if (results != null) {
            results = results.mapPages(rows -> rows.stream().map(r -> id.equals(idOf.apply(r)) ? row : r).toList());
        }
    }

    /**
     * {@return how a sort order is compared: each attribute and direction}
     *
     * @param orders the sort orders of a query
     */
    public static List<String> sortKey(List<QuerySortOrder> orders) {
        List<String> key = new ArrayList<>(orders.size());
        for (QuerySortOrder order : orders) {
            key.add(order.getSorted() + " " + order.getDirection());
        }
        return key;
    }
}
