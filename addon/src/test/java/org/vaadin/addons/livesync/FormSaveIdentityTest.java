package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.StandbyPair;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.binder.Setter;
import com.vaadin.flow.data.converter.StringToLongConverter;
import com.vaadin.flow.function.ValueProvider;

import jakarta.persistence.EntityManager;

/**
 * A form's save never writes another record nor moves its record to another tenant (real pipeline,
 * REPLICA IDENTITY DEFAULT): not when the form binds the id or the subscription key and the user
 * edits it, not when the application's saver changes them, not when the saver's write leaves the
 * row in another tenant. Each is refused with {@link SaveResult#IDENTITY_CHANGED}, nothing is
 * written, the form keeps the edits and a notice tells the user.
 */
@Timeout(120)
@LivePipelineTest.Pipeline(FormSaveIdentityTest.WithSkuItems.class)
class FormSaveIdentityTest extends LivePipelineTest {

    /** The pipeline with a table of rows identified by a natural key (a SKU) beside the items. */
    static final class WithSkuItems implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment(TestDatabase.get(), "DEFAULT", new LiveTestEnvironment.Tables(
                    List.of(SkuItem.TABLE), List.of("sku_item"), List.of(SkuItem.class)));
        }
    }

    private static final String NOTICE = "livesync-save-identity-changed";

    /** The EntityManager of the save's transaction, for savers that write with it. */
    private final AtomicReference<EntityManager> transaction = new AtomicReference<>();

    @BeforeEach
    void emptySkuTableAndExposeTheTransaction() {
        env.db.execute("DELETE FROM live_view_test.sku_item");
        env.liveSync.useTransactions(work -> env.sessionFactory.inTransaction(session -> {
            transaction.set(session);
            work.accept(session);
        }));
    }

    @AfterEach
    void restoreTheTransactions() {
        env.liveSync.useTransactions(TransactionRunner.of(env.sessionFactory));
    }

    @Test
    void aFormThatBindsTheIdEditedToAnotherTenantsRowWritesNeither() {
        long mine = env.insert(1, "mine");
        long theirs = env.insert(2, "theirs");
        String theirsBefore = row("item", theirs);
        String mineBefore = row("item", mine);
        ItemsView view = openItemForm(mine);
        TextField idField = bind(view, "Id", Item::getId, Item::setId);
        view.form.show(mine);
        view.title.setValue("my title");
        idField.setValue(String.valueOf(theirs));

        SaveResult result = view.form.save();

        assertThat(row("item", theirs)).as("the other tenant's row").isEqualTo(theirsBefore);
        assertThat(row("item", mine)).isEqualTo(mineBefore);
        assertRefusedWithEditsKept(result, view.form);
    }

    @Test
    void aFormThatBindsTheSubscriptionKeyEditedToAnotherTenantDoesNotMoveTheRow() {
        long mine = env.insert(1, "mine");
        String before = row("item", mine);
        ItemsView view = openItemForm(mine);
        TextField tenantField = bind(view, "Tenant", Item::getTenant, Item::setTenant);
        view.form.show(mine);
        tenantField.setValue("2");

        SaveResult result = view.form.save();

        assertThat(row("item", mine)).as("the row, still in tenant 1").isEqualTo(before);
        assertRefusedWithEditsKept(result, view.form);
    }

    @Test
    void aFormThatBindsANaturalKeyEditedToAnotherTenantsKeyWritesNeither() {
        env.db.execute("INSERT INTO live_view_test.sku_item VALUES ('A-1', 1, 'mine'), ('B-1', 2, 'theirs')");
        String theirsBefore = row("sku_item", "'B-1'");
        SkuView view = openSkuForm("A-1");
        view.sku.setValue("B-1");
        view.title.setValue("my title");

        SaveResult result = view.form.save();

        assertThat(row("sku_item", "'B-1'")).as("the other tenant's row").isEqualTo(theirsBefore);
        assertThat(row("sku_item", "'A-1'")).isEqualTo("(A-1,1,mine)");
        assertRefusedWithEditsKept(result, view.form);
    }

    @Test
    void aFormThatBindsANaturalKeyEditedToANewKeyWritesNothing() {
        env.db.execute("INSERT INTO live_view_test.sku_item VALUES ('A-1', 1, 'mine')");
        SkuView view = openSkuForm("A-1");
        view.sku.setValue("A-2");

        SaveResult result = view.form.save();

        assertThat(StandbyPair.query(env.db, "SELECT string_agg(row(s.*)::text, ' ') FROM live_view_test.sku_item s"))
                .isEqualTo("(A-1,1,mine)");
        assertRefusedWithEditsKept(result, view.form);
    }

    @Test
    void aSaverThatMovesTheBeanToAnotherTenantIsRolledBack() {
        long mine = env.insert(1, "mine");
        String before = row("item", mine);
        ItemsView view = editTitle(mine);

        SaveResult result = view.form.save(item -> {
            item.setTenant(2L);
            transaction.get().merge(item);
        });

        assertThat(row("item", mine)).isEqualTo(before);
        assertRefusedWithEditsKept(result, view.form);
    }

    @Test
    void aSaverThatGivesTheBeanAnotherTenantsIdIsRolledBack() {
        long mine = env.insert(1, "mine");
        long theirs = env.insert(2, "theirs");
        String theirsBefore = row("item", theirs);
        ItemsView view = editTitle(mine);

        SaveResult result = view.form.save(item -> {
            item.setId(theirs);
            transaction.get().merge(item);
        });

        assertThat(row("item", theirs)).as("the other tenant's row").isEqualTo(theirsBefore);
        assertRefusedWithEditsKept(result, view.form);
    }

    /** The bean the saver got is as the form left it; the write (e.g. a trigger, a listener) moves the row. */
    @Test
    void aSaveWhoseWriteLeavesTheRowInAnotherTenantIsRolledBack() {
        long mine = env.insert(1, "mine");
        String before = row("item", mine);
        ItemsView view = editTitle(mine);

        SaveResult result = view.form.save(item -> {
            EntityManager entityManager = transaction.get();
            entityManager.merge(item);
            entityManager.flush();
            entityManager.createNativeQuery("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + mine)
                    .executeUpdate();
        });

        assertThat(row("item", mine)).isEqualTo(before);
        assertRefusedWithEditsKept(result, view.form);
    }

    @Test
    void aFormThatBindsTheIdAndKeyButLeavesThemSavesTheEdits() {
        long mine = env.insert(1, "mine");
        ItemsView view = openItemForm(mine);
        bind(view, "Id", Item::getId, Item::setId);
        bind(view, "Tenant", Item::getTenant, Item::setTenant);
        view.form.show(mine);
        view.title.setValue("my title");

        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);
        assertThat(row("item", mine)).isEqualTo("(" + mine + ",1,\"my title\",open,)");
    }

    private static void assertRefusedWithEditsKept(SaveResult result, WatchedBean<?> form) {
        assertThat(result).isEqualTo(SaveResult.IDENTITY_CHANGED);
        assertThat(form.hasChanges()).as("the form keeps the edits").isTrue();
        assertThat(NotificationsKt.getNotifications()).anyMatch(n -> n.hasClassName(NOTICE));
    }

    /** A view of tenant 1 with the row committed and delivered (its own delivery is no change while editing). */
    private static ItemsView openItemForm(long id) {
        env.quiesce();
        return open(1);
    }

    /** As {@link #openItemForm}, the form showing the row, its title edited to "my title" (not saved). */
    private static ItemsView editTitle(long id) {
        ItemsView view = openItemForm(id);
        view.form.show(id);
        view.title.setValue("my title");
        return view;
    }

    /** A text field for a whole-number attribute, bound in the view's form (before {@code show}) and shown. */
    private static TextField bind(ItemsView view, String label, ValueProvider<Item, Long> getter,
                                  Setter<Item, Long> setter) {
        TextField field = new TextField(label);
        view.binder.forField(field).withConverter(new StringToLongConverter("not a number")).bind(getter, setter);
        view.getContent().add(field);
        return field;
    }

    private static SkuView openSkuForm(String sku) {
        env.quiesce();
        SkuView view = new SkuView(env.liveSync, 1L);
        UI.getCurrent().add(view);
        assertThat(view.form.show(sku)).isTrue();
        return view;
    }

    /** The whole row as PostgreSQL prints it, e.g. {@code (7,1,mine,open,)}; null when there is none. */
    private static String row(String table, Object id) {
        String idColumn = table.equals("sku_item") ? "sku" : "id";
        return StandbyPair.query(env.db, "SELECT row(t.*)::text FROM live_view_test." + table + " t WHERE "
                + idColumn + " = " + id);
    }

    /** A form of one {@link SkuItem} whose SKU is edited in the form. */
    static final class SkuView extends LiveSyncView<Long, VerticalLayout> {
        final Binder<SkuItem> binder = new Binder<>(SkuItem.class);
        final TextField sku = new TextField("SKU");
        final TextField title = new TextField("Title");
        final WatchedBean<SkuItem> form;

        SkuView(LiveSync liveSync, Long tenant) {
            super(liveSync, tenant);
            binder.forField(sku).bind(SkuItem::getSku, SkuItem::setSku);
            binder.forField(title).bind(SkuItem::getTitle, SkuItem::setTitle);
            form = watchBean(SkuItem.class, binder);
            getContent().add(sku, title);
        }
    }
}
