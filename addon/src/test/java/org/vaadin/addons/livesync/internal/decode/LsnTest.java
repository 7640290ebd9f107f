package org.vaadin.addons.livesync.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.replication.LogSequenceNumber;

class LsnTest {

    @Test
    void parsesTheServersTextForm() {
        Lsn lsn = Lsn.valueOf("16/B374D848");

        assertThat(lsn.asLong()).isEqualTo(0x16_B374_D848L);
        assertThat(lsn.isValid()).isTrue();
    }

    @Test
    void formatsAsTheServerDoesInUpperCaseWithoutPadding() {
        assertThat(Lsn.ofLong(0x16_B374_D848L)).hasToString("16/B374D848");
        assertThat(Lsn.ofLong(0x1_0000_0000L)).hasToString("1/0");
        assertThat(Lsn.INVALID).hasToString("0/0");
        assertThat(Lsn.ofLong(-1L)).hasToString("FFFFFFFF/FFFFFFFF");
    }

    @Test
    void textFormRoundTrips() {
        for (String text : List.of("0/0", "0/1", "16/B374D848", "FFFFFFFF/FFFFFFFF", "1/0", "ABCDEF/12")) {
            assertThat(Lsn.valueOf(text)).hasToString(text);
        }
        assertThat(Lsn.valueOf("16/b374d848")).isEqualTo(Lsn.valueOf("16/B374D848"));
    }

    @Test
    void zeroIsTheInvalidPosition() {
        assertThat(Lsn.valueOf("0/0")).isSameAs(Lsn.INVALID);
        assertThat(Lsn.ofLong(0)).isSameAs(Lsn.INVALID);
        assertThat(Lsn.INVALID.isValid()).isFalse();
    }

    @Test
    void ordersAsUnsigned64BitNumbers() {
        Lsn high = Lsn.valueOf("FFFFFFFF/0"); // negative as a signed long
        Lsn low = Lsn.valueOf("7FFFFFFF/FFFFFFFF");

        assertThat(high).isGreaterThan(low);
        assertThat(high.isAfter(low)).isTrue();
        assertThat(low.isAfter(high)).isFalse();
        assertThat(Lsn.max(low, high)).isSameAs(high);
        assertThat(Lsn.max(high, low)).isSameAs(high);

        List<Lsn> sorted = new ArrayList<>(
                List.of(high, Lsn.valueOf("1/0"), low, Lsn.INVALID, Lsn.valueOf("0/FFFFFFFF")));
        sorted.sort(null);
        assertThat(sorted).extracting(Lsn::toString)
                .containsExactly("0/0", "0/FFFFFFFF", "1/0", "7FFFFFFF/FFFFFFFF", "FFFFFFFF/0");
    }

    @Test
    void equalPositionsAreEqual() {
        assertThat(Lsn.valueOf("16/B374D848")).isEqualTo(Lsn.ofLong(0x16_B374_D848L))
                .hasSameHashCodeAs(Lsn.ofLong(0x16_B374_D848L))
                .isNotEqualTo(Lsn.ofLong(0x16_B374_D849L));
    }

    @Test
    void convertsToAndFromPgjdbc() {
        Lsn lsn = Lsn.valueOf("16/B374D848");

        assertThat(lsn.toPg()).isEqualTo(LogSequenceNumber.valueOf("16/B374D848"));
        assertThat(Lsn.of(LogSequenceNumber.valueOf("16/B374D848"))).isEqualTo(lsn);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "16", "16/", "/B374D848", "16/B374D848/1", "G/0", "-1/0", "0/-1", "+1/0",
            "0/100000000", "123456789/0", " 1/0"})
    void rejectsTextThatIsNotAnLsn(String text) {
        assertThatThrownBy(() -> Lsn.valueOf(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not an LSN");
    }
}
