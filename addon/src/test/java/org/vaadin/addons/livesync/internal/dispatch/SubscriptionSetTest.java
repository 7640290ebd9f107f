package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The dispatcher's index sets keep every member across the switch from an array to a concurrent set and back to empty. */
class SubscriptionSetTest {

    @Test
    void keepsItsMembersWhenItGrowsPastTheArrayAndEmptiesToNull() {
        List<Subscription<?>> members = new ArrayList<>();
        SubscriptionSet set = null;
        for (int i = 0; i < SubscriptionSet.SMALL * 3; i++) {
            Subscription<?> s = new Subscription<>(null, null, null, null, null, "s" + i, true);
            members.add(s);
            SubscriptionSet before = set;
            set = SubscriptionSet.with(set, s);
            assertThat(set).containsExactlyInAnyOrderElementsOf(members);
            if (before != null && before.size() < SubscriptionSet.SMALL) {
                assertThat(before).hasSize(members.size() - 1); // an array snapshot is never changed
            }
            assertThat(SubscriptionSet.with(set, s)).hasSize(members.size()); // already a member
        }
        while (!members.isEmpty()) {
            Subscription<?> s = members.remove(members.size() / 2);
            set = set.without(s);
            if (members.isEmpty()) {
                assertThat(set).isNull();
            } else {
                assertThat(set).containsExactlyInAnyOrderElementsOf(members).doesNotContain(s);
                assertThat(set.without(s)).hasSize(members.size()); // not a member any more
            }
        }
    }
}
