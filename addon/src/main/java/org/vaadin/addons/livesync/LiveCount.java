package org.vaadin.addons.livesync;

import java.io.Serializable;

import com.vaadin.flow.data.provider.Query;

/**
 * Counts the rows of a lazy, live list for the scope's subscription value (and the query's
 * filter), as Vaadin's count callbacks do. Runs on the UI thread.
 *
 * @param <S> the subscription value's type
 * @param <T> the entity type
 * @param <F> the filter type ({@code Void} for none)
 */
@FunctionalInterface
public interface LiveCount<S, T, F> extends Serializable {

    /**
     * How many rows {@code query}'s filter matches for {@code subscriptionValue} (offset and limit do not apply).
     *
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @param query the Grid's query: its filter (offset and limit do not apply)
     * @return how many rows {@code query}'s filter matches for {@code subscriptionValue} (offset and limit do not
     *     apply)
     */
    int count(S subscriptionValue, Query<T, F> query);
}
