package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;

/**
 * The view API on the real pipeline: lists and beans bound to any owner component, typed hooks,
 * listeners, forms that fit routing, the Grid left to its owner, cancel and watching.
 */
@Timeout(120)
class LiveScopeTest extends LivePipelineTest {

    static final WatchKey<Item> ITEMS = WatchKey.of(Item.class);
    static final WatchKey<Gadget> GADGETS = WatchKey.of(Gadget.class);

    /** A panel that is no view: a Composite with a Grid, kept live through a scope of its own. */
    static final class ItemPanel extends Composite<Div> {
        final Grid<Item> grid = new Grid<>();
        final LiveScope<Long> live;
        final WatchedList<Item> list;

        ItemPanel(long tenant) {
            grid.addColumn(Item::getTitle);
            live = LiveScope.of(this, tenant, env.liveSync);
            list = live.watchList(Item.class, env::load)
                    .withSync(rows -> rows.stream().sorted(Comparator.comparing(Item::getTitle)).toList());
            grid.setItems(list.dataProvider());
            getContent().add(grid);
        }

        List<String> titles() {
            return grid.getGenericDataView().getItems().map(Item::getTitle).toList();
        }
    }

    /** An application's own base class, which a live view extends instead of LiveSyncView. */
    abstract static class AppBase extends VerticalLayout {
        final String appTitle = "base";
    }

    static final class OwnBaseView extends AppBase {
        final WatchedList<Gadget> gadgets;

        OwnBaseView(long tenant) {
            gadgets = LiveScope.of(this, tenant, env.liveSync).watchList(Gadget.class, t -> List.of());
        }
    }

    /** A view with two watched types and a view-level sync() without a cast. */
    static final class TwoTypesView extends LiveSyncView<Long, Div> {
        final WatchedList<Item> items;
        final WatchedList<Gadget> gadgets;

        TwoTypesView(long tenant) {
            super(env.liveSync, tenant);
            items = watchList(Item.class, env::load);
            gadgets = watchList(Gadget.class, t -> List.of());
        }

        @Override
        protected <T> List<T> sync(WatchKey<T> key, List<T> rows) {
            List<T> sorted = key.when(ITEMS, rows,
                    items -> items.stream().sorted(Comparator.comparing(Item::getTitle).reversed()).toList());
            return key.when(GADGETS, sorted, gadgets -> gadgets.stream().filter(g -> g.getKind() != Gadget.Kind.LARGE).toList());
        }
    }

    private static <C extends com.vaadin.flow.component.Component> C attach(C component) {
        UI.getCurrent().add(component);
        return component;
    }

    @Nested
    class AnyComponent {

        @Test
        void aCompositeWithAScopeOfItsOwnIsLiveWhileAttachedAndUnregisteredWhenDetached() {
            int before = env.liveSync.metrics().registrations();
            ItemPanel panel = attach(new ItemPanel(1));
            env.insert(1, "b");
            env.insert(1, "a");
            env.insert(2, "other tenant");
            awaitUi(() -> panel.titles().equals(List.of("a", "b")));
            assertThat(env.liveSync.metrics().registrations()).isEqualTo(before + 1);

            UI.getCurrent().remove(panel);
            assertThat(env.liveSync.metrics().registrations()).isEqualTo(before);
            assertThat(panel.live.isActive()).isFalse();
        }

        @Test
        void aViewThatExtendsTheApplicationsOwnBaseClassIsLiveToo() {
            OwnBaseView view = attach(new OwnBaseView(1));
            env.db.execute("INSERT INTO live_view_test.gadget (tenant, title) VALUES (1, 'gizmo'), (2, 'not mine')");
            awaitUi(() -> view.gadgets.items().size() == 1);
            assertThat(view.gadgets.items()).extracting(Gadget::getTitle).containsExactly("gizmo");
            assertThat(view.appTitle).isEqualTo("base");
        }

        @Test
        void aScopeCreatedForAnAttachedComponentIsLiveAtOnce() {
            Div attached = attach(new Div());
            WatchedList<Item> list = LiveScope.of(attached, 1L, env.liveSync).watchList(Item.class, env::load);
            assertThat(list.isActive()).isTrue();
            env.insert(1, "at once");
            awaitUi(() -> list.items().size() == 1);
        }
    }

    @Nested
    class TypedHooks {

        @Test
        void twoWatchedTypesAreSyncedEachByItsOwnTypeWithoutACast() {
            TwoTypesView view = attach(new TwoTypesView(1));
            env.insert(1, "a");
            env.insert(1, "c");
            env.db.execute("INSERT INTO live_view_test.gadget (tenant, title, kind) VALUES (1, 'small one', 'SMALL'), "
                    + "(1, 'large one', 'LARGE')");
            awaitUi(() -> view.items.items().size() == 2 && view.gadgets.items().size() == 1);
            assertThat(view.items.items()).extracting(Item::getTitle).containsExactly("c", "a");
            assertThat(view.gadgets.items()).extracting(Gadget::getTitle).containsExactly("small one");
        }
    }

    @Nested
    class Listeners {

        @Test
        void changeListenersAreToldWhichRowsChangedAndWhichWereRemoved() {
            long keep = env.insert(1, "keep");
            long doomed = env.insert(1, "doomed");
            env.quiesce(); // the inserts' own deliveries are not the changes this test looks at
            ItemPanel panel = attach(new ItemPanel(1));
            List<ListChange<Item>> changes = new ArrayList<>();
            var registration = panel.list.addChangeListener(changes::add);

            env.db.execute("UPDATE live_view_test.item SET title = 'kept' WHERE id = " + keep);
            awaitUi(() -> !changes.isEmpty());
            assertThat(changes.get(0).changedIds()).containsExactly(keep);
            assertThat(changes.get(0).changed()).extracting(Item::getTitle).containsExactly("kept");
            assertThat(changes.get(0).reloaded()).isFalse();

            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + doomed);
            awaitUi(() -> changes.size() == 2);
            assertThat(changes.get(1).removedIds()).containsExactly(doomed);

            panel.list.reload();
            assertThat(changes.get(2).reloaded()).isTrue();
            registration.remove();
            env.insert(1, "unheard");
            env.quiesce();
            assertThat(changes).hasSize(3);
        }

        @Test
        void aConflictListenerReplacesTheDefaultNoticeAndARemovedListenerIsToldAfterTheFormIsCleared() {
            long id = env.insert(1, "original");
            env.quiesce();
            ItemsView view = open(1);
            WatchedBean<Item> bean = view.live().watchBean(WatchKey.of("second form", Item.class), new Binder<>(Item.class));
            TextField title = new TextField();
            bean.binder().forField(title).bind(Item::getTitle, Item::setTitle);
            List<BeanConflict<Item>> conflicts = new ArrayList<>();
            List<BeanRemoved<Item>> removals = new ArrayList<>();
            bean.addConflictListener(conflicts::add);
            bean.addRemovedListener(removals::add);
            assertThat(bean.show(id)).isTrue();
            title.setValue("my edit");

            env.db.execute("UPDATE live_view_test.item SET title = 'theirs' WHERE id = " + id);
            awaitUi(() -> !conflicts.isEmpty());
            assertThat(conflicts.get(0).newest().getTitle()).isEqualTo("theirs");
            assertThat(title.getValue()).as("nothing overwritten").isEqualTo("my edit");
            assertThat(NotificationsKt.getNotifications()).noneMatch(n -> n.hasClassName("livesync-conflict"));

            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
            awaitUi(() -> !removals.isEmpty());
            assertThat(removals.get(0).id()).isEqualTo(id);
            assertThat(bean.bean()).as("cleared").isNull();
        }
    }

    @Nested
    class Forms {

        @Test
        void showBeforeAttachWithAnIntegerIdLoadsTheRecordAndKeepsItLiveOnceAttached() {
            long id = env.insert(1, "routed");
            ItemsView view = new ItemsView(env.liveSync, 1L, env::load);
            assertThat(view.form.show((int) id)).as("shown before attach").isTrue(); // as a route parameter gives it
            assertThat(view.title.getValue()).isEqualTo("routed");
            assertThat(view.form.id()).isEqualTo(id);

            attach(view);
            env.db.execute("UPDATE live_view_test.item SET title = 'routed and live' WHERE id = " + id);
            awaitUi(() -> "routed and live".equals(view.title.getValue()));
        }

        @Test
        void anIdThatCannotBeTheEntitysIdIsRejectedWithAMessageSayingWhatIsExpected() {
            ItemsView view = attach(new ItemsView(env.liveSync, 1L, env::load));
            assertThatThrownBy(() -> view.form.show("not a number"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Item ids are Long").hasMessageContaining("not a number");
            assertThatThrownBy(() -> view.form.show(1.5)).hasMessageContaining("Item ids are Long");
        }
    }

    /** German texts for two of the notice's keys, as an application's own provider has them. */
    public static final class GermanTexts implements com.vaadin.flow.i18n.I18NProvider {
        @Override
        public List<java.util.Locale> getProvidedLocales() {
            return List.of(java.util.Locale.GERMAN);
        }

        @Override
        public String getTranslation(String key, java.util.Locale locale, Object... params) {
            return switch (key) {
                case "livesync.conflict" -> "Dieser Eintrag wurde geändert, während Sie ihn bearbeitet haben.";
                case "livesync.show-newest" -> "Neueste zeigen";
                default -> null; // the add-on falls back to English
            };
        }
    }

    @Nested
    class Notices {

        private void conflictInTheForm() {
            long id = env.insert(1, "original");
            env.quiesce();
            ItemsView view = open(1);
            view.form.show(id);
            view.title.setValue("my edit");
            env.db.execute("UPDATE live_view_test.item SET title = 'theirs' WHERE id = " + id);
            awaitUi(() -> !view.conflicts.isEmpty());
        }

        private static String noticeText() {
            return NotificationsKt.getNotifications().stream().filter(n -> n.hasClassName("livesync-conflict"))
                    .findFirst().orElseThrow().getElement().getTextRecursively();
        }

        @Test
        void theDefaultConflictNoticeSpeaksTheApplicationsLanguageWhereItHasATranslation() {
            System.setProperty("vaadin.i18n.provider", GermanTexts.class.getName());
            try {
                com.github.mvysny.kaributesting.v10.MockVaadin.tearDown();
                com.github.mvysny.kaributesting.v10.MockVaadin.setup();
                env.liveSync.install(com.vaadin.flow.server.VaadinService.getCurrent().getContext());
                conflictInTheForm();
                assertThat(noticeText()).contains("Dieser Eintrag wurde geändert").contains("Neueste zeigen")
                        .as("English where the provider has no text").contains("Keep editing");
            } finally {
                System.clearProperty("vaadin.i18n.provider");
            }
        }

        @Test
        void withoutAnI18NProviderTheNoticeIsInEnglish() {
            conflictInTheForm();
            assertThat(noticeText()).contains("This record was changed by someone else while you were editing it.")
                    .contains("Show newest");
        }
    }

    @Nested
    class TheGridStaysTheUsers {

        @Test
        void replacingABoundGridsItemsStopsItsLiveUpdatesAndSaysSo() {
            ListAppender<ILoggingEvent> log = new ListAppender<>();
            log.start();
            Logger logger = (Logger) LoggerFactory.getLogger(WatchedList.class);
            logger.addAppender(log);
            try {
                ItemsView view = open(1);
                env.insert(1, "live");
                awaitUi(() -> view.titles().equals(List.of("live")));
                view.grid.setItems(new Item());

                env.insert(1, "after setItems");
                awaitUi(() -> view.list.items().size() == 2);
                assertThat(view.grid.getGenericDataView().getItems().count()).as("the user's items stay").isEqualTo(1);
                assertThat(log.list).anyMatch(e -> e.getFormattedMessage().contains("live updates for that Grid stopped"));
            } finally {
                logger.detachAppender(log);
            }
        }
    }

    @Nested
    class ChosenIds {

        @Test
        void aListOfChosenIdsFollowsExactlyThoseRowsAndTakesIdsOfAnotherJavaType() {
            long first = env.insert(1, "first");
            long second = env.insert(1, "second");
            long notChosen = env.insert(1, "not chosen");
            long otherTenant = env.insert(2, "other tenant");
            env.quiesce();
            Div owner = attach(new Div());
            WatchedList<Item> chosen = LiveScope.of(owner, 1L, env.liveSync)
                    .watchIds(WatchKey.of("chosen", Item.class), List.of((int) second, first, otherTenant));
            assertThat(chosen.items()).extracting(Item::getTitle).as("the tenant's only, in the order asked")
                    .containsExactly("second", "first");

            env.db.execute("UPDATE live_view_test.item SET title = 'first, changed' WHERE id = " + first,
                    "UPDATE live_view_test.item SET title = 'still not chosen' WHERE id = " + notChosen,
                    "DELETE FROM live_view_test.item WHERE id = " + second);
            awaitUi(() -> chosen.items().size() == 1 && "first, changed".equals(chosen.items().get(0).getTitle()));

            env.db.execute("INSERT INTO live_view_test.item (id, tenant, title) VALUES (" + second + ", 1, 'second again')");
            awaitUi(() -> chosen.items().size() == 2);
            env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + first);
            awaitUi(() -> chosen.items().size() == 1);
            assertThat(chosen.items()).extracting(Item::getTitle).containsExactly("second again");
        }
    }

    @Nested
    class CancelAndWatching {

        @Test
        void cancellingOneListStopsItsUpdatesAndItsRegistrationOnly() {
            TwoTypesView view = attach(new TwoTypesView(1));
            int before = env.liveSync.metrics().registrations();
            assertThat(view.live().isWatching(ITEMS)).isTrue();

            view.live().cancel(ITEMS);
            assertThat(view.live().isWatching(ITEMS)).isFalse();
            assertThat(view.live().isWatching(GADGETS)).isTrue();
            assertThat(env.liveSync.metrics().registrations()).isEqualTo(before - 1);

            env.insert(1, "not seen");
            env.db.execute("INSERT INTO live_view_test.gadget (tenant, title) VALUES (1, 'seen')");
            awaitUi(() -> view.gadgets.items().size() == 1);
            env.quiesce();
            assertThat(view.items.items()).isEmpty();
        }

        @Test
        void cancellingTheListOfATypeLeavesTheFormOfThatTypeAlone() {
            long shown = env.insert(1, "in the form");
            ItemsView view = new ItemsView(env.liveSync, 1L, env::load);
            UI.getCurrent().add(view);
            view.form.show(shown);
            assertThat(view.form.key()).isNotEqualTo(WatchKey.of(Item.class));

            view.live().cancel(WatchKey.of(Item.class));
            assertThat(view.list.isActive()).isFalse();
            assertThat(view.form.isActive()).isTrue();
            env.db.execute("UPDATE live_view_test.item SET title = 'renamed' WHERE id = " + shown);
            awaitUi(() -> "renamed".equals(view.title.getValue()));

            view.live().cancel(view.form.key());
            assertThat(view.form.isActive()).isFalse();
        }

        @Test
        void watchingTheSameKeyTwiceSaysToGiveTheSecondAKeyOfItsOwn() {
            TwoTypesView view = new TwoTypesView(1);
            assertThatThrownBy(() -> view.live().watchList(Item.class, env::load))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("a key of its own");
        }

        @Test
        void changingTheSubscriptionValueShowsTheOtherTenant() {
            env.insert(1, "acme");
            env.insert(2, "globex");
            ItemPanel panel = attach(new ItemPanel(1));
            assertThat(panel.titles()).containsExactly("acme");

            panel.live.setSubscriptionValue(2L);
            assertThat(panel.titles()).containsExactly("globex");
            env.insert(2, "globex 2");
            env.insert(1, "acme 2");
            awaitUi(() -> panel.titles().size() == 2);
            env.quiesce();
            assertThat(panel.titles()).containsExactly("globex", "globex 2");
        }
    }
}
