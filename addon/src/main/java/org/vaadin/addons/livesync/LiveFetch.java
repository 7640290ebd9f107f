package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.stream.Stream;

import com.vaadin.flow.data.provider.Query;

/**
 * Fetches one page of a lazy, live list for the scope's subscription value: what Vaadin's
 * {@code setItems(query -> ...)} takes, with the subscription value in front. The database pages,
 * sorts and filters; with Spring Data, {@code VaadinSpringDataHelpers.toSpringPageRequest(query)}
 * turns the query into a {@code PageRequest}:
 *
 * <pre>
 * (org, query) -&gt; tasks.findByOrganizationId(org, toSpringPageRequest(query)).stream()
 * </pre>
 *
 * Runs on the UI thread, when the component asks for rows.
 *
 * @param <S> the subscription value's type
 * @param <T> the entity type
 * @param <F> the filter type ({@code Void} for none)
 */
@FunctionalInterface
public interface LiveFetch<S, T, F> extends Serializable {

    /**
     * The rows of {@code query}'s range (offset, limit, sort orders, filter) for {@code subscriptionValue}.
     *
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @param query the Grid's query: offset, limit, sort orders and filter
     * @return the rows of {@code query}'s range (offset, limit, sort orders, filter) for {@code subscriptionValue}
     */
    Stream<T> fetch(S subscriptionValue, Query<T, F> query);
}
