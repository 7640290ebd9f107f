package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;

/**
 * Reference data without a tenant key ({@code @Watched(global = true)}) on the real pipeline
 * (REPLICA IDENTITY DEFAULT): every change of it reaches the views of every tenant, whatever their
 * subscription value, while keyed entities stay isolated.
 */
@Timeout(120)
@LivePipelineTest.Pipeline(GlobalEntityTest.WithCountries.class)
class GlobalEntityTest extends LivePipelineTest {

    /** The pipeline with the country table beside the items. */
    static final class WithCountries implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment(TestDatabase.get(), "DEFAULT", Country.TABLES);
        }
    }

    /** A tenant's view of the countries, through today's {@link LiveSyncView#watchList}. */
    static final class CountriesView extends LiveSyncView<Long, com.vaadin.flow.component.orderedlayout.VerticalLayout> {
        final Grid<Country> grid = new Grid<>(Country.class);

        CountriesView(LiveSync liveSync, Long tenant) {
            super(liveSync, tenant);
            watchList(Country.class, grid, t -> countries());
            getContent().add(grid);
        }

        List<String> names() {
            return grid.getGenericDataView().getItems().map(Country::getName).toList();
        }
    }

    /** A tenant's lazy Grid of the countries (the database pages), refreshed at once for each change. */
    static final class LazyCountriesView extends LiveSyncView<Long, Div> {
        final Grid<Country> grid = new Grid<>();

        LazyCountriesView(long tenant, boolean liveCount) {
            super(env.liveSync, tenant);
            grid.addColumn(Country::getName);
            LiveDataProvider<Country, Void> provider = live().<Country, Void>watchLazy(Country.class,
                    (org, query) -> env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                                    "from Country order by name, id", Country.class)
                            .setFirstResult(query.getOffset()).setMaxResults(query.getLimit())
                            .getResultList()).stream(),
                    (org, query) -> Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                            "select count(c) from Country c", Long.class).getSingleResult())))
                    .withRefreshWindow(Duration.ZERO);
            grid.setItems(liveCount ? provider.withLiveCount() : provider);
            getContent().add(grid);
        }

        static LazyCountriesView open(long tenant, boolean liveCount) {
            LazyCountriesView view = new LazyCountriesView(tenant, liveCount);
            UI.getCurrent().add(view);
            view.grid.getDataCommunicator().setViewportRange(0, 50);
            MockVaadin.clientRoundtrip(false);
            return view;
        }

        int count() {
            return grid.getDataCommunicator().getItemCount();
        }

        List<String> names() {
            var communicator = grid.getDataCommunicator();
            return IntStream.range(0, communicator.getItemCount()).mapToObj(communicator::getItem)
                    .map(Country::getName).toList();
        }
    }

    private org.vaadin.addons.livesync.internal.dispatch.Pipeline pipeline;
    private WatchedEntity<Country> country;

    @BeforeEach
    void emptyCountries() {
        env.db.execute("DELETE FROM live_view_test.country");
        pipeline = env.liveSync.pipeline();
        country = pipeline.entity(Country.class);
    }

    @Test
    void insertsUpdatesDeletesAndTruncatesOfAGlobalEntityReachTheSubscriptionsOfEveryTenant() {
        CollectingSink<Country> acme = subscribe(1L);
        CollectingSink<Country> globex = subscribe(2L);

        long fi = insertCountry("FI", "Finland");
        long se = insertCountry("SE", "Sweden");
        env.quiesce();
        assertThat(names(acme)).containsExactly("Finland", "Sweden");
        assertThat(names(globex)).containsExactly("Finland", "Sweden");

        env.db.execute("UPDATE live_view_test.country SET name = 'Suomi' WHERE id = " + fi,
                "DELETE FROM live_view_test.country WHERE id = " + se);
        env.quiesce();
        assertThat(names(acme)).containsExactly("Suomi");
        assertThat(names(globex)).containsExactly("Suomi");

        env.db.execute("TRUNCATE live_view_test.country");
        env.quiesce();
        assertThat(acme.rows()).isEmpty();
        assertThat(globex.rows()).isEmpty();
    }

    @Test
    void aListOfAGlobalEntityInViewsOfTwoTenantsInTwoSessionsShowsEveryChange() {
        insertCountry("NO", "Norway");
        CountriesView acme = TestSessions.openInNewSession(() -> new CountriesView(env.liveSync, 1L));
        CountriesView globex = TestSessions.openInNewSession(() -> new CountriesView(env.liveSync, 2L));
        assertThat(TestSessions.read(acme, acme::names)).containsExactly("Norway");

        long dk = insertCountry("DK", "Denmark");
        env.db.execute("UPDATE live_view_test.country SET name = 'Danmark' WHERE id = " + dk,
                "DELETE FROM live_view_test.country WHERE code = 'NO'");

        await().atMost(LiveTestEnvironment.WAIT).until(() -> List.of(acme, globex).stream()
                .allMatch(v -> TestSessions.read(v, v::names).equals(List.of("Danmark"))));
        env.db.execute("TRUNCATE live_view_test.country");
        await().atMost(LiveTestEnvironment.WAIT).until(() -> List.of(acme, globex).stream()
                .allMatch(v -> TestSessions.read(v, v::names).isEmpty()));
    }

    @Test
    void keyedRowsStayWithTheirTenantBesideAGlobalEntity() {
        CollectingSink<Country> acmeCountries = subscribe(1L);
        ItemsView acme = open(1);
        ItemsView globex = open(2);

        env.insert(1, "acme's");
        insertCountry("IS", "Iceland");
        env.quiesce();

        assertThat(acme.titles()).containsExactly("acme's");
        assertThat(globex.titles()).isEmpty();
        assertThat(names(acmeCountries)).containsExactly("Iceland");
    }

    @Test
    void theSubscriptionValueOfAGlobalEntityIsTheSameConstantWhateverTheViewHas() {
        Object forAcme = pipeline.subscriptionValueFor(country, 1L);

        assertThat(pipeline.subscriptionValueFor(country, 2L)).isSameAs(forAcme);
        assertThat(pipeline.subscriptionValueFor(country, "a string")).isSameAs(forAcme);
        assertThat(pipeline.subscriptionValueFor(country, null)).as("a view without tenant").isSameAs(forAcme);
        assertThat(forAcme).hasToString("global");
        Subscription<Country> subscription = pipeline.dispatcher().subscribe(UI.getCurrent(), country, forAcme,
                delta -> { }, "constant");
        Subscription<Country> withViewValue = pipeline.dispatcher().subscribe(UI.getCurrent(), country, 1L,
                delta -> { }, "view value");
        assertThat(subscription.value()).isSameAs(forAcme);
        assertThat(withViewValue.value()).as("registered under the constant").isSameAs(forAcme);
        subscription.close();
        withViewValue.close();
    }

    @Test
    void aKeyedEntityKeepsTheViewsValueAndRefusesNone() {
        WatchedEntity<Item> item = pipeline.entity(Item.class);

        assertThat(pipeline.subscriptionValueFor(item, 1L)).isEqualTo(1L);
        assertThatThrownBy(() -> pipeline.subscriptionValueFor(item, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Item.class.getSimpleName())
                .hasMessageContaining("tenant")
                .hasMessageContaining("null");
        assertThatThrownBy(() -> pipeline.dispatcher().subscribe(UI.getCurrent(), item,
                pipeline.subscriptionValueFor(country, 1L), delta -> { }, "wrong"))
                .as("the constant is no value of a keyed entity")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findAndFindAllOfAGlobalEntityReturnItsRowsForAnyViewValue() {
        long fi = insertCountry("FI", "Finland");
        long ee = insertCountry("EE", "Estonia");

        assertThat(pipeline.find(country, fi, 1L)).extracting(Country::getName).isEqualTo("Finland");
        assertThat(pipeline.find(country, fi, 2L)).extracting(Country::getName).isEqualTo("Finland");
        assertThat(pipeline.findAll(country, List.of(ee, fi), 7L)).extracting(Country::getName)
                .containsExactly("Estonia", "Finland");
    }

    @Test
    void oneCountryWatchedByItsIdGetsItsChangesAndNoOthers() {
        long fi = insertCountry("FI", "Finland");
        long lv = insertCountry("LV", "Latvia");
        CollectingSink<Country> sink = new CollectingSink<>(() -> pipeline.findAll(country, List.of(fi), 1L),
                c -> c.getId());
        Subscription<Country> held = pipeline.dispatcher().subscribeToHeldRows(UI.getCurrent(), country,
                pipeline.subscriptionValueFor(country, 1L), sink, "one country");
        held.hold(List.of(fi));
        held.beforeLoad();
        sink.following(held, pipeline.findAll(country, List.of(fi), 1L));

        env.db.execute("UPDATE live_view_test.country SET name = 'Suomi' WHERE id = " + fi,
                "UPDATE live_view_test.country SET name = 'Latvija' WHERE id = " + lv);
        env.quiesce();

        assertThat(names(sink)).containsExactly("Suomi");
        assertThat(sink.deltas()).allSatisfy(delta -> assertThat(delta.puts()).doesNotContainKey(lv));
        held.close();
    }

    @Test
    void aLazyGridOfAGlobalEntityShowsEveryInsertInTheViewsOfEveryTenant() {
        insertCountry("FI", "Finland");
        LazyCountriesView acme = LazyCountriesView.open(1L, false);
        LazyCountriesView globex = LazyCountriesView.open(2L, false);
        assertThat(acme.names()).containsExactly("Finland");

        insertCountry("EE", "Estonia");
        env.quiesce(); // every UI applied the change; the refresh window is zero
        MockVaadin.clientRoundtrip(false);

        assertThat(acme.count()).as("acme's count").isEqualTo(2);
        assertThat(globex.count()).as("globex's count").isEqualTo(2);
        assertThat(acme.names()).containsExactly("Estonia", "Finland");
        assertThat(globex.names()).containsExactly("Estonia", "Finland");
    }

    @Test
    void aLazyGridOfAGlobalEntityWithALiveCountKeepsTheCountAndShowsTheNewRows() {
        insertCountry("FI", "Finland");
        LazyCountriesView acme = LazyCountriesView.open(1L, true);
        assertThat(acme.count()).isEqualTo(1);

        insertCountry("EE", "Estonia");
        insertCountry("LV", "Latvia");
        env.db.execute("DELETE FROM live_view_test.country WHERE code = 'FI'");
        env.quiesce();
        MockVaadin.clientRoundtrip(false);
        assertThat(acme.names()).as("acme's rows").containsExactly("Estonia", "Latvia");
        assertThat(acme.count()).as("acme's kept count").isEqualTo(2);

        acme.live().reload(); // counts again, as after a reattach
        LazyCountriesView later = LazyCountriesView.open(2L, true);
        MockVaadin.clientRoundtrip(false);
        assertThat(acme.count()).as("acme's count after a reload").isEqualTo(2);
        assertThat(later.count()).as("the count of a view opened later").isEqualTo(2);
        assertThat(later.names()).containsExactly("Estonia", "Latvia");
    }

    private CollectingSink<Country> subscribe(long tenant) {
        CollectingSink<Country> sink = new CollectingSink<>(GlobalEntityTest::countries, Country::getId);
        Subscription<Country> subscription = pipeline.dispatcher().subscribe(UI.getCurrent(), country,
                pipeline.subscriptionValueFor(country, tenant), sink, "tenant " + tenant);
        subscription.beforeLoad();
        sink.following(subscription, countries());
        subscription.loaded();
        return sink;
    }

    private static List<String> names(CollectingSink<Country> sink) {
        return sink.rows().stream().map(Country::getName).sorted().toList();
    }

    private static List<Country> countries() {
        return env.sessionFactory.fromSession(s -> s.createSelectionQuery("from Country order by id", Country.class)
                .getResultList());
    }

    private static long insertCountry(String code, String name) {
        try (var c = env.db.connect(); var s = c.prepareStatement(
                "INSERT INTO live_view_test.country (code, name) VALUES (?, ?) RETURNING id")) {
            s.setString(1, code);
            s.setString(2, name);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
