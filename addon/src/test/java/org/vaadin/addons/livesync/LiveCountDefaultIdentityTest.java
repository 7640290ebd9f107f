package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveCountTest.awaitCount;
import static org.vaadin.addons.livesync.LiveCountTest.openCounting;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lazy Grid's live count on a table whose WAL does not carry the old subscription key (REPLICA
 * IDENTITY DEFAULT): a row moved out of a value, or deleted, reaches none of that value's views
 * when they do not hold it, so the views count at each change, as without a live count. LiveSync
 * reads the identity from the catalog when the first view registers to count (see
 * {@link FirstLazyViewTest}); when the identity changes to DEFAULT while views keep a count, the
 * first change without the old key makes them count again — then and at each change after it.
 */
@Timeout(180)
class LiveCountDefaultIdentityTest extends LivePipelineTest {

    @BeforeEach
    void tenThousandRows() {
        LiveCountTest.seed();
    }

    @Test
    void aRowMovedOutThatTheGridDoesNotHoldLeavesTheCountAndLaterChangesAreCounted() {
        // the identity carries the key while the view registers (it keeps a count), and no longer then
        env.db.execute("ALTER TABLE live_view_test.item REPLICA IDENTITY FULL");
        LazyGridTest.LazyItemsView view = openCounting(1);
        env.db.execute("ALTER TABLE live_view_test.item REPLICA IDENTITY DEFAULT");
        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE title = 'row 09000'");
        awaitCount(view, LiveCountTest.ROWS - 1);
        int counts = view.counts.get();
        env.insert(1, "row 00000 new");
        awaitCount(view, LiveCountTest.ROWS);
        assertThat(view.counts.get()).as("counted again at a change").isGreaterThan(counts);
    }
}
