package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;

/**
 * A set of ids watched individually (EctoFoundationDB's {@code sync_many}) at the engine level:
 * {@link org.vaadin.addons.livesync.internal.dispatch.Pipeline#findAll} loads them, in one query per thousand ids, as private copies of the
 * view's tenant's rows only, in the order asked; a held-rows subscription follows exactly them.
 */
@Timeout(120)
class FindAllTest extends LivePipelineTest {

    private org.vaadin.addons.livesync.internal.dispatch.Pipeline pipeline;
    private WatchedEntity<Item> item;

    @BeforeEach
    void engine() {
        pipeline = env.liveSync.pipeline();
        item = pipeline.entity(Item.class);
    }

    @Test
    void findAllReturnsOnlyTheViewsTenantsRowsInTheOrderOfTheIds() {
        long first = env.insert(1, "first");
        long second = env.insert(1, "second");
        long globexRow = env.insert(2, "globex's");
        long missing = second + 1_000;

        List<Item> found = pipeline.findAll(item, List.of(second, globexRow, missing, first, second), 1L);

        assertThat(found).extracting(Item::getTitle).containsExactly("second", "first");
        assertThat(pipeline.findAll(item, List.of(globexRow), 1L)).as("another tenant's row").isEmpty();
        assertThat(pipeline.findAll(item, List.of(), 1L)).isEmpty();
    }

    @Test
    void findAllGivesEveryCallersItsOwnInstances() {
        long id = env.insert(1, "shared");

        Item a = pipeline.findAll(item, List.of(id), 1L).get(0);
        Item b = pipeline.findAll(item, List.of(id), 1L).get(0);
        a.setTitle("edited in one view");

        assertThat(a).isNotSameAs(b);
        assertThat(b.getTitle()).isEqualTo("shared");
    }

    @Test
    void findAllLoadsInOneQueryPerThousandIds() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(env.insert(1, "row " + i));
        }
        Statistics statistics = env.sessionFactory.getStatistics();

        long before = statistics.getPrepareStatementCount();
        assertThat(pipeline.findAll(item, ids, 1L)).hasSize(3);
        long three = statistics.getPrepareStatementCount() - before;

        List<Long> many = new ArrayList<>(ids);
        LongStream.range(1, 2_498).map(i -> -i).forEach(many::add); // 2,500 ids, mostly absent
        before = statistics.getPrepareStatementCount();
        assertThat(pipeline.findAll(item, many, 1L)).hasSize(3);
        long twentyFiveHundred = statistics.getPrepareStatementCount() - before;

        System.out.printf("findAll statements: 3 ids -> %d, 2,500 ids -> %d%n", three, twentyFiveHundred);
        assertThat(three).isEqualTo(1);
        assertThat(twentyFiveHundred).isEqualTo(3);
    }

    @Test
    void findAllConvertsIdsOfAnotherJavaTypeAndRefusesOnesThatDoNotFit() {
        long id = env.insert(1, "by an Integer");

        assertThat(pipeline.findAll(item, List.of((int) id), 1L)).extracting(Item::getTitle)
                .containsExactly("by an Integer");
        assertThat(pipeline.findAll(item, List.of(String.valueOf(id)), 1L)).hasSize(1);
        assertThat(pipeline.find(item, (int) id, 1L)).as("find converts too").isNotNull();
        assertThatThrownBy(() -> pipeline.findAll(item, List.of("abc"), 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Item ids are Long; got the String \"abc\"");
    }

    @Test
    void aSetOfIdsWatchedIndividuallyGetsTheirChangesAndNoOthers() {
        long a = env.insert(1, "a");
        long b = env.insert(1, "b");
        long c = env.insert(1, "c");
        List<Long> watched = List.of(b, a);
        CollectingSink<Item> sink = new CollectingSink<>(() -> pipeline.findAll(item, watched, 1L), Item::getId);
        Subscription<Item> subscription = pipeline.dispatcher().subscribeToHeldRows(UI.getCurrent(), item,
                pipeline.subscriptionValueFor(item, 1L), sink, "sync_many");
        subscription.hold(watched);
        subscription.beforeLoad();
        sink.following(subscription, pipeline.findAll(item, watched, 1L));
        assertThat(sink.rows()).extracting(Item::getTitle).containsExactly("b", "a");

        env.db.execute("UPDATE live_view_test.item SET title = 'a renamed' WHERE id = " + a,
                "UPDATE live_view_test.item SET title = 'c renamed' WHERE id = " + c);
        env.quiesce();
        assertThat(sink.rows()).extracting(Item::getTitle).containsExactlyInAnyOrder("b", "a renamed");
        assertThat(sink.deltas()).allSatisfy(delta -> assertThat(delta.puts()).doesNotContainKey(c));

        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + b,
                "UPDATE live_view_test.item SET tenant = 2 WHERE id = " + a);
        env.quiesce();
        assertThat(sink.rows()).as("deleted, and moved to another tenant").isEmpty();
        subscription.close();
    }
}
