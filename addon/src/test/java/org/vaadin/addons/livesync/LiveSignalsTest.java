package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.signals.Signal;

/**
 * A watched bean's and a watched list's read-only signals ({@link WatchedBean#signal()},
 * {@link WatchedList#signal()}) on the real pipeline: effects follow updates made outside the
 * application, the bean's signal carries the newest version also while the form holds unsaved
 * edits and becomes null when the record moves to another tenant, the list's carries only its
 * tenant's rows, and an effect whose component is detached does not run until it is attached again.
 */
@Timeout(120)
class LiveSignalsTest extends LivePipelineTest {

    private static ItemsView open() {
        ItemsView view = new ItemsView(env.liveSync, 1L, env::load);
        UI.getCurrent().add(view);
        return view;
    }

    private static String titleOf(Item item) {
        return item == null ? "none" : item.getTitle();
    }

    @Test
    void aBeanSignalFollowsTheRecordAlsoUnderUnsavedEditsAndEndsWhenItMovesAway() {
        long id = env.insert(1, "first");
        ItemsView view = open();
        view.form.show(id);
        Span header = new Span();
        view.getContent().add(header);
        Signal.effect(header, () -> header.setText(titleOf(view.form.signal().get())));
        assertThat(header.getText()).isEqualTo("first");

        env.db.execute("UPDATE live_view_test.item SET title = 'renamed' WHERE id = " + id);
        awaitUi(() -> "renamed".equals(header.getText()));

        view.title.setValue("my edit"); // unsaved: the form keeps its version, the signal shows the database's
        env.db.execute("UPDATE live_view_test.item SET title = 'theirs' WHERE id = " + id);
        awaitUi(() -> "theirs".equals(header.getText()));
        assertThat(view.title.getValue()).isEqualTo("my edit");
        assertThat(view.form.bean().getTitle()).isEqualTo("renamed");

        view.form.showNewest();
        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + id);
        awaitUi(() -> "none".equals(header.getText()));
        assertThat(view.form.signal().peek()).isNull();
    }

    @Test
    void aBeanSignalsValueIsACopyOfItsOwn() {
        long id = env.insert(1, "mine");
        ItemsView view = open();
        view.form.show(id);
        Item fromSignal = view.form.signal().peek();
        assertThat(fromSignal).isNotSameAs(view.form.bean());
        fromSignal.setTitle("changed through the signal");
        assertThat(view.form.bean().getTitle()).isEqualTo("mine");
        assertThat(view.title.getValue()).isEqualTo("mine");
    }

    @Test
    void aBeanSignalNeverHoldsAnotherTenantsRow() {
        long other = env.insert(2, "someone else's");
        ItemsView view = open();
        assertThat(view.form.show(other)).isFalse();
        assertThat(view.form.signal().peek()).isNull();
    }

    @Test
    void aListSignalFollowsTheRowsOfItsTenantOnly() {
        ItemsView view = open();
        Span count = new Span();
        view.getContent().add(count);
        Signal<Integer> size = view.list.signal().map(List::size);
        Signal.effect(count, () -> count.setText(String.valueOf(size.get())));
        assertThat(count.getText()).isEqualTo("0");

        env.insert(1, "a");
        awaitUi(() -> "1".equals(count.getText()));
        env.insert(2, "another tenant's");
        env.insert(1, "b");
        awaitUi(() -> "2".equals(count.getText()));
        env.quiesce();
        assertThat(view.list.signal().peek()).extracting(Item::getTenant).containsOnly(1L);

        env.db.execute("DELETE FROM live_view_test.item WHERE title = 'a'");
        awaitUi(() -> "1".equals(count.getText()));
        assertThat(view.list.signal().peek()).extracting(Item::getTitle).containsExactly("b");
    }

    @Test
    void anEffectWhoseComponentIsDetachedRunsOnlyOnceAttachedAgain() {
        ItemsView view = open();
        Span count = new Span();
        view.getContent().add(count);
        AtomicInteger runs = new AtomicInteger();
        Signal.effect(count, () -> {
            runs.incrementAndGet();
            count.setText(String.valueOf(view.list.signal().get().size()));
        });
        env.insert(1, "a");
        awaitUi(() -> "1".equals(count.getText()));

        view.getContent().remove(count);
        int detached = runs.get();
        env.insert(1, "b");
        awaitUi(() -> view.list.items().size() == 2);
        env.quiesce();
        assertThat(runs.get()).as("no run while detached").isEqualTo(detached);

        view.getContent().add(count);
        assertThat(count.getText()).as("attached again: the current rows").isEqualTo("2");
    }
}
