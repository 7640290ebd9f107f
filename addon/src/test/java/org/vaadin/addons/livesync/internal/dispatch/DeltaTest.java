package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** Removals that apply only to rows the view holds when it applies the delta. */
class DeltaTest {

    @Test
    void aRemovalIfHeldBecomesARemovalOnlyForRowsTheViewHoldsWhenApplied() {
        Delta<String> delta = new Delta<>();
        delta.removeIfHeld(1L);
        delta.removeIfHeld(2L);
        assertThat(delta.isEmpty()).isFalse();
        assertThat(delta.removals()).as("nothing the view sees before it is settled").isEmpty();

        delta.settleRemovals(Set.of(2L)::contains);

        assertThat(delta.removals()).containsExactly(2L);
        Delta<String> foreign = new Delta<>();
        foreign.removeIfHeld(3L);
        foreign.settleRemovals(id -> false);
        assertThat(foreign.isEmpty()).as("a delta of unheld removals only is empty once settled").isTrue();
    }

    @Test
    void aRemovalStaysARemovalAndALaterPutWinsOverARemovalIfHeld() {
        Delta<String> earlier = new Delta<>();
        earlier.remove(1L);
        earlier.removeIfHeld(2L);
        Delta<String> later = new Delta<>();
        later.removeIfHeld(1L); // a removal for sure stays one
        later.put(2L, "back"); // the row came (back) to the view's value
        later.removeIfHeld(3L);
        earlier.mergeLater(later);

        earlier.settleRemovals(id -> false);

        assertThat(earlier.removals()).containsExactly(1L);
        assertThat(earlier.puts()).containsOnlyKeys(2L);
    }

    @Test
    void aPutFollowedByARemovalIfHeldIsARemovalOfTheRowItsPutMadePending() {
        Delta<String> delta = new Delta<>();
        delta.put(1L, "shown");
        delta.mark(1L); // the put marked it pending: the view holds it until the delta is applied
        Delta<String> later = new Delta<>();
        later.removeIfHeld(1L);
        delta.mergeLater(later);

        delta.settleRemovals(id -> delta.marks().containsKey(id));

        assertThat(delta.puts()).isEmpty();
        assertThat(delta.removals()).containsExactly(1L);
    }
}
