package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;

import org.vaadin.addons.livesync.internal.dispatch.PageCache;

/**
 * Filtered lazy views of one tenant showing the same range share the page query a matching insert
 * makes them run, also when a change outside their filter is routed while it runs: the views whose
 * refresh starts after that change take the result computed before it (the change cannot alter
 * it), instead of querying again each. With one UI thread the refreshes run one after the other,
 * so the second view's refresh starts after the unrelated change was routed, whatever the timing.
 */
@Timeout(180)
@LivePipelineTest.Pipeline(SharedRefreshTest.OneUiThread.class)
class SharedRefreshTest extends LivePipelineTest {

    static final class OneUiThread implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment("FULL", DeliverySettings.defaults().withUiThreads(1));
        }
    }

    @BeforeEach
    void tenThousandRows() {
        LiveCountTest.seed();
    }

    private static LazyGridTest.LazyItemsView openFiltered(String filter) {
        LazyGridTest.LazyItemsView view = new LazyGridTest.LazyItemsView(1);
        view.items.withLiveCount().withFilterPredicate((text, item) -> item.getTitle().contains(text));
        view.filtered.setFilter(filter);
        UI.getCurrent().add(view);
        return view.showFirstPage();
    }

    @Test
    void aChangeOutsideTheFilterRoutedWhileTheSharedPageIsQueriedDoesNotMakeTheNextViewQueryAgain()
            throws InterruptedException {
        LazyGridTest.LazyItemsView first = openFiltered("row 0999");
        LazyGridTest.LazyItemsView second = openFiltered("row 0999");
        PageCache pages = env.liveSync.pipeline().dispatcher().pages();
        CountDownLatch querying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        Runnable holdFirstQuery = () -> {
            if (armed.compareAndSet(true, false)) {
                querying.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        first.beforeFetch = holdFirstQuery;
        second.beforeFetch = holdFirstQuery;
        int fetches = first.fetches.get() + second.fetches.get();

        env.insert(1, "row 09990 new");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return querying.getCount() == 0; // one view's refresh queries; the other's waits for the UI thread
        });
        long routed = pages.stamp(Item.class, 1L).value();
        env.db.execute("UPDATE live_view_test.item SET status = 'busy' WHERE title = 'row 00005'");
        awaitUi(() -> pages.stamp(Item.class, 1L).value() > routed);
        release.countDown();

        for (LazyGridTest.LazyItemsView view : new LazyGridTest.LazyItemsView[] {first, second}) {
            awaitUi(() -> {
                MockVaadin.clientRoundtrip(false);
                return view.visible().stream().anyMatch(item -> item.getTitle().equals("row 09990 new"));
            });
        }
        assertThat(first.fetches.get() + second.fetches.get() - fetches)
                .as("page queries for the insert, shared by both views").isEqualTo(1);
        assertThat(first.count()).isEqualTo(11);
        assertThat(second.count()).isEqualTo(11);
    }
}
