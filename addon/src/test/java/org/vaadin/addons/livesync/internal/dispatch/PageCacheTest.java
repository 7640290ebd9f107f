package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The page cache's validity rule: a result is shared while nothing of its value changed, and with
 * a stamp also after changes routed since the stamp (which the caller found cannot alter it).
 */
class PageCacheTest {

    private final PageCache cache = new PageCache();
    private final AtomicInteger queries = new AtomicInteger();

    private PageCache.Result<Integer> page(Object value, PageCache.Stamp atLeast) {
        return cache.get(String.class, value, "page 0", atLeast, queries::incrementAndGet);
    }

    @Test
    void aResultIsSharedUntilAChangeOfItsValue() {
        assertThat(page(1L, null).own()).isTrue();
        assertThat(page(1L, null).own()).isFalse();
        cache.changed(String.class, 2L);
        assertThat(page(1L, null).own()).as("another value changed").isFalse();
        cache.changed(String.class, 1L);
        assertThat(page(1L, null).own()).isTrue();
        cache.changedAll(String.class);
        assertThat(page(1L, null).own()).as("a change of unknown value").isTrue();
        assertThat(queries).hasValue(3);
    }

    @Test
    void withAStampAResultComputedAfterItIsSharedAlsoAfterLaterChanges() {
        cache.changed(String.class, 1L);
        PageCache.Stamp relevant = cache.stamp(String.class, 1L);
        assertThat(page(1L, relevant).own()).isTrue();
        cache.changed(String.class, 1L); // one the caller found cannot alter the page
        assertThat(page(1L, relevant).own()).as("computed after the relevant change").isFalse();
        assertThat(page(1L, null).own()).as("without a stamp: the current versions").isTrue();
        cache.changed(String.class, 1L);
        PageCache.Stamp later = cache.stamp(String.class, 1L);
        assertThat(page(1L, later).own()).as("computed before the relevant change").isTrue();
        cache.changedAll(String.class);
        assertThat(page(1L, later).own()).as("a change of unknown value after the stamp").isFalse();
        assertThat(queries).hasValue(3);
    }

    @Test
    void theLatestOfTwoStampsTakesEachVersion() {
        assertThat(PageCache.Stamp.latest(new PageCache.Stamp(1, 5), new PageCache.Stamp(2, 3)))
                .isEqualTo(new PageCache.Stamp(2, 5));
        assertThat(PageCache.Stamp.latest(null, new PageCache.Stamp(1, 1))).isEqualTo(new PageCache.Stamp(1, 1));
    }
}
