package org.vaadin.addons.livesync.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.WatchConfigurationException;
import org.vaadin.addons.livesync.Watched;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.ReplicaIdentity;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.Row;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.internal.decode.Value;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * {@code @Watched(global = true)}: an entity without a tenant key is resolved without a key column,
 * every change of it carries the one constant key, and a declaration with neither a key nor the
 * marker (or with both) fails at start saying what to write.
 */
class GlobalEntityDeclarationTest {

    private static final String SCHEMA = TestDatabase.uniqueName("watch_global");

    /** Reference data: no tenant column at all. */
    @Entity(name = "Currency")
    @Watched(global = true)
    static class Currency {
        @Id
        String code;
        String name;
    }

    /** Forgot to say how its rows are routed. */
    @Entity(name = "Unrouted")
    @Watched
    static class Unrouted {
        @Id
        Long id;
        Long organizationId;
    }

    /** Says both. */
    @Entity(name = "Ambiguous")
    @Watched(subscriptionKey = "organizationId", global = true)
    static class Ambiguous {
        @Id
        Long id;
        Long organizationId;
    }

    private static SessionFactory offline;

    @BeforeAll
    static void build() {
        offline = HibernateFactories.offline(Currency.class);
        TestDatabase.get().execute("create schema " + SCHEMA,
                "create table " + SCHEMA + ".currency (code text primary key, name text)");
    }

    @AfterAll
    static void close() {
        offline.close();
        TestDatabase.get().execute("drop schema if exists " + SCHEMA + " cascade");
    }

    @Test
    void aGlobalEntityHasNoKeyColumnAndOneConstantKeyForEveryRow() {
        WatchedEntity<Currency> currency = WatchRegistry.of(offline).find(Currency.class).orElseThrow();

        assertThat(currency.isGlobal()).isTrue();
        assertThat(currency.keyColumn()).isNull();
        assertThat(currency.keyAttribute()).isNull();
        assertThat(currency.table()).isEqualTo("currency");
        assertThat(currency.idColumn()).isEqualTo("code");
        assertThat(currency.keyOf(new Currency())).isSameAs(WatchedEntity.GLOBAL);
        assertThat(currency.keyType().isInstance(WatchedEntity.GLOBAL)).isTrue();
        assertThat(currency.belongsTo(new Currency(), 42L)).as("any view value").isTrue();
        assertThat(currency.subscriptionValueFor(42L)).isSameAs(WatchedEntity.GLOBAL);
    }

    @Test
    void everyChangeOfAGlobalEntityCarriesTheConstantAsAKnownKey() {
        WatchRegistry registry = WatchRegistry.of(offline);
        Relation table = new Relation(1, "public", "currency", ReplicaIdentity.DEFAULT,
                List.of(new Column("code", 25, "text", -1, true), new Column("name", 25, "text", -1, false)));
        Row eur = new Row(table, List.of(Value.text("EUR"), Value.text("Euro")));
        Row keyOnly = new Row(table, List.of(Value.text("EUR"), Value.NULL));

        List<EntityChange> changes = registry.changesOf(new Transaction(1000, Lsn.ofLong(100), Lsn.ofLong(200),
                Instant.EPOCH, null, List.of(new RowChange(table, ChangeKind.INSERT, eur, null, false),
                        new RowChange(table, ChangeKind.UPDATE, eur, null, false),
                        new RowChange(table, ChangeKind.DELETE, null, keyOnly, true),
                        RowChange.truncate(table)), List.of()));

        assertThat(changes).extracting(EntityChange::kind).containsExactly(ChangeKind.INSERT, ChangeKind.UPDATE,
                ChangeKind.DELETE, ChangeKind.TRUNCATE);
        EntityChange insert = changes.get(0);
        EntityChange update = changes.get(1);
        EntityChange delete = changes.get(2);
        assertThat(insert.id()).isEqualTo("EUR");
        assertThat(insert.newKeyKnown()).isTrue();
        assertThat(insert.newKey()).isSameAs(WatchedEntity.GLOBAL);
        assertThat(update.oldKeyKnown()).as("the key of a global row never changes").isTrue();
        assertThat(update.oldKey()).isSameAs(WatchedEntity.GLOBAL);
        assertThat(update.newKey()).isSameAs(WatchedEntity.GLOBAL);
        assertThat(update.keyChanged()).isFalse();
        assertThat(delete.id()).isEqualTo("EUR");
        assertThat(delete.oldKeyKnown()).isTrue();
        assertThat(delete.oldKey()).isSameAs(WatchedEntity.GLOBAL);
        assertThat(changes.get(3).oldKeyKnown()).as("a truncate names no row").isFalse();
    }

    @Test
    void aGlobalEntityValidatesOnATableWithoutATenantColumn() throws Exception {
        try (SessionFactory online = HibernateFactories.online(Map.of("hibernate.default_schema", SCHEMA),
                Currency.class); Connection connection = TestDatabase.get().connect()) {
            WatchRegistry registry = WatchRegistry.of(online);
            assertThatCode(() -> registry.validate(connection)).doesNotThrowAnyException();
        }
    }

    @Test
    void anEntityWithNeitherKeyNorMarkerFailsAtStartSayingWhatToWrite() {
        String message = DeclarationErrorsTest.failureOf(Unrouted.class);

        assertThat(message).contains(Unrouted.class.getName(), "@Watched(subscriptionKey = \"<attribute>\")",
                "@Watched(global = true)", "every user");
    }

    @Test
    void anEntityWithBothKeyAndMarkerFailsAtStart() {
        assertThat(DeclarationErrorsTest.failureOf(Ambiguous.class)).contains(Ambiguous.class.getName(),
                "subscriptionKey = \"organizationId\"", "global = true", "one of them");
    }

    @Test
    void liveSyncRefusesToBeCreatedForAnEntityWithNeitherKeyNorMarker() {
        try (SessionFactory factory = HibernateFactories.offline(Unrouted.class)) {
            WatchConfigurationException failure = catchThrowableOfType(WatchConfigurationException.class,
                    () -> LiveSync.create(factory, CaptureSettings.forDatabase("jdbc:postgresql://localhost/none",
                            "nobody", "")));
            assertThat(failure).isNotNull();
            assertThat(failure.getMessage()).contains(Unrouted.class.getName(), "@Watched(global = true)");
        }
    }
}
