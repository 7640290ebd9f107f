package org.vaadin.addons.livesync.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.Watched;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Task;

/**
 * {@link WatchedEntity#convertId}: an id of another Java type than the entity's (an {@code Integer}
 * or a {@code String} from a route parameter) is converted exactly, or refused saying what was
 * expected — never passed on to match nothing.
 */
class IdConversionTest {

    @Entity(name = "Seat")
    @Watched(subscriptionKey = "organizationId")
    static class Seat {
        @Id
        Integer id;
        Long organizationId;
    }

    @Entity(name = "Document")
    @Watched(subscriptionKey = "organizationId")
    static class Document {
        @Id
        UUID id;
        Long organizationId;
    }

    @Entity(name = "Badge")
    @Watched(subscriptionKey = "organizationId")
    static class Badge {
        @Id
        String code;
        Long organizationId;
    }

    private static SessionFactory sessionFactory;
    private static WatchRegistry registry;

    @BeforeAll
    static void build() {
        sessionFactory = HibernateFactories.offline(Task.class, Seat.class, Document.class, Badge.class);
        registry = WatchRegistry.of(sessionFactory);
    }

    @AfterAll
    static void close() {
        sessionFactory.close();
    }

    @Nested
    class ALongId {
        private final WatchedEntity<Task> task = registry.find(Task.class).orElseThrow();

        @Test
        void aLongIsTakenAsItIs() {
            Long id = 42L;
            assertThat(task.convertId(id)).isSameAs(id);
        }

        @Test
        void smallerWholeNumbersAreWidened() {
            assertThat(task.convertId(42)).isEqualTo(42L);
            assertThat(task.convertId((short) 42)).isEqualTo(42L);
            assertThat(task.convertId((byte) 42)).isEqualTo(42L);
            assertThat(task.convertId(BigInteger.valueOf(42))).isEqualTo(42L);
            assertThat(task.convertId(new BigDecimal("42.000"))).isEqualTo(42L);
        }

        @Test
        void aStringOfDigitsIsParsed() {
            assertThat(task.convertId("42")).isEqualTo(42L);
            assertThat(task.convertId("-7")).isEqualTo(-7L);
            assertThat(task.convertId(String.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void aStringThatIsNoWholeNumberIsRefusedSayingWhatWasExpected() {
            assertThatThrownBy(() -> task.convertId("abc"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Task ids are Long; got the String \"abc\"")
                    .hasMessageContaining("not a whole number");
            assertThatThrownBy(() -> task.convertId("4.5")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> task.convertId(" 42")).as("no trimming").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> task.convertId("")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aNumberThatDoesNotFitIsRefusedRatherThanWrapped() {
            assertThatThrownBy(() -> task.convertId("9223372036854775808"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Task ids are Long; got the String \"9223372036854775808\"")
                    .hasMessageContaining("does not fit");
            assertThatThrownBy(() -> task.convertId(BigInteger.TWO.pow(64)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        }

        @Test
        void aFractionIsRefusedRatherThanRounded() {
            assertThatThrownBy(() -> task.convertId(4.5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Task ids are Long; got the Double 4.5")
                    .hasMessageContaining("not a whole number");
            assertThatThrownBy(() -> task.convertId(new BigDecimal("42.5"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> task.convertId(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void anIdOfAnotherKindIsRefused() {
            UUID uuid = UUID.randomUUID();
            assertThatThrownBy(() -> task.convertId(uuid))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Task ids are Long; got the UUID " + uuid);
        }

        @Test
        void noIdIsRefused() {
            assertThatThrownBy(() -> task.convertId(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Task ids are Long; got null");
        }
    }

    @Nested
    class AnIntegerId {
        private final WatchedEntity<Seat> seat = registry.find(Seat.class).orElseThrow();

        @Test
        void aLongThatFitsIsNarrowedExactly() {
            assertThat(seat.convertId(42L)).isEqualTo(42);
            assertThat(seat.convertId("12")).isEqualTo(12);
        }

        @Test
        void aLongThatDoesNotFitIsRefused() {
            assertThatThrownBy(() -> seat.convertId(3_000_000_000L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Seat ids are Integer; got the Long 3000000000")
                    .hasMessageContaining("does not fit");
        }
    }

    @Nested
    class AUuidId {
        private final WatchedEntity<Document> document = registry.find(Document.class).orElseThrow();

        @Test
        void itsTextIsParsedInEitherCase() {
            UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
            assertThat(document.convertId(id.toString())).isEqualTo(id);
            assertThat(document.convertId(id.toString().toUpperCase())).isEqualTo(id);
        }

        @Test
        void textThatIsNoUuidIsRefusedIncludingWhatJavaWouldPad() {
            assertThatThrownBy(() -> document.convertId("nope"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Document ids are UUID; got the String \"nope\"");
            // UUID.fromString accepts this as 00000001-0001-0001-0001-000000000001
            assertThatThrownBy(() -> document.convertId("1-1-1-1-1")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> document.convertId(42L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Document ids are UUID; got the Long 42");
        }
    }

    @Nested
    class AStringId {
        private final WatchedEntity<Badge> badge = registry.find(Badge.class).orElseThrow();

        @Test
        void aStringIsTakenAsItIs() {
            assertThat(badge.convertId("gold")).isEqualTo("gold");
        }

        @Test
        void aNumberIsRefusedSinceItsTextNeedNotBeTheId() {
            assertThatThrownBy(() -> badge.convertId(42L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Badge ids are String; got the Long 42");
        }
    }
}
