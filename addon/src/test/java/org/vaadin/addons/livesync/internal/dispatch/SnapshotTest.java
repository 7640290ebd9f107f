package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Snapshot#sees}: PostgreSQL's visibility rule for committed transactions, with 32-bit xids widened next to xmax. */
class SnapshotTest {

    @Test
    void aCommittedTransactionIsSeenBelowXmaxUnlessItWasInProgress() {
        Snapshot snapshot = Snapshot.parse("100:105:101,103");
        assertThat(snapshot.sees(99)).as("before xmin").isTrue();
        assertThat(snapshot.sees(100)).isTrue();
        assertThat(snapshot.sees(101)).as("in progress").isFalse();
        assertThat(snapshot.sees(102)).isTrue();
        assertThat(snapshot.sees(103)).as("in progress").isFalse();
        assertThat(snapshot.sees(105)).as("at xmax").isFalse();
        assertThat(snapshot.sees(200)).as("after xmax").isFalse();
        assertThat(snapshot).hasToString("100:105:101,103");
    }

    @Test
    void xidsAreWidenedIntoTheEpochOfXmax() {
        long epoch2 = 2L << 32;
        Snapshot snapshot = Snapshot.parse((epoch2 + 10) + ":" + (epoch2 + 20) + ":");
        assertThat(snapshot.sees(15)).as("epoch 2, below xmax").isTrue();
        assertThat(snapshot.sees(25)).as("epoch 2, ahead of xmax").isFalse();
        Snapshot acrossWrap = Snapshot.parse((epoch2 - 5) + ":" + (epoch2 + 3) + ":");
        assertThat(acrossWrap.sees(0xFFFF_FFFEL)).as("epoch 1, just before the wrap").isTrue();
        assertThat(acrossWrap.sees(4)).as("epoch 2, ahead of xmax").isFalse();
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> Snapshot.parse("100:105")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100:105");
    }
}
