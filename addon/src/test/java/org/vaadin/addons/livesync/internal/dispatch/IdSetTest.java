package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The compact id set behaves as a {@code HashSet} does, whatever mix of adds and removes. */
class IdSetTest {

    @Test
    void behavesAsAHashSetUnderRandomAddsAndRemoves() {
        Random random = new Random(13);
        IdSet ids = new IdSet();
        Set<Object> expected = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            // colliding keys too: Longs in a narrow range, and strings
            Object id = random.nextBoolean() ? (Object) (long) random.nextInt(300) : "id-" + random.nextInt(300);
            if (random.nextInt(3) == 0) {
                assertThat(ids.remove(id)).isEqualTo(expected.remove(id));
            } else {
                assertThat(ids.add(id)).isEqualTo(expected.add(id));
            }
            assertThat(ids.size()).isEqualTo(expected.size());
            if (step % 997 == 0) {
                assertThat(new HashSet<>(ids.toList())).isEqualTo(expected);
                for (Object probe : new Object[] {id, 7L, "id-7", 1_000L}) {
                    assertThat(ids.contains(probe)).isEqualTo(expected.contains(probe));
                }
            }
        }
    }

    @Test
    void emptiedSetHoldsNothingAndTakesNewMembers() {
        IdSet ids = new IdSet();
        for (long i = 0; i < 100; i++) {
            ids.add(i);
        }
        for (long i = 0; i < 100; i++) {
            assertThat(ids.remove(i)).isTrue();
        }
        assertThat(ids.isEmpty()).isTrue();
        assertThat(ids.contains(5L)).isFalse();
        assertThat(ids.toList()).isEmpty();
        assertThat(ids.add(5L)).isTrue();
        assertThat(ids.contains(5L)).isTrue();
        ids.clear();
        assertThat(ids.size()).isZero();
        assertThat(ids.remove(5L)).isFalse();
    }
}
