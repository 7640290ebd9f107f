package org.vaadin.addons.livesync.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.DeliverySettings;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncSettings;
import org.vaadin.addons.livesync.SlotCleanup;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * Every {@code livesync.*} property: it binds and reaches the running LiveSync, a value the
 * settings refuse fails the start naming the property, customizer beans run in order after the
 * properties, and the generated configuration metadata (and the README) describe each property.
 */
@Timeout(120)
class LiveSyncPropertiesTest {

    @RegisterExtension
    static final SpringTestApp APP = SpringTestApp.create("props");
    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Path README = Path.of("../README.md");

    /** Every property, as the README's table and the metadata must list them. */
    private static final Set<String> PROPERTIES = Set.of("livesync.enabled", "livesync.url", "livesync.username",
            "livesync.password", "livesync.publication", "livesync.tables", "livesync.status-interval",
            "livesync.heartbeat-interval", "livesync.publication-check-interval", "livesync.handover-capacity",
            "livesync.slot.name", "livesync.slot.temporary", "livesync.slot.cleanup.enabled",
            "livesync.replication.url", "livesync.replication.username", "livesync.replication.password",
            "livesync.slot.cleanup.prefix", "livesync.slot.cleanup.inactive-for", "livesync.reconnect.min-backoff",
            "livesync.reconnect.max-backoff", "livesync.delivery.max-pending",
            "livesync.delivery.max-changes-per-transaction", "livesync.delivery.lazy-refresh-window",
            "livesync.delivery.ui-threads", "livesync.delivery.sweep-interval", "livesync.delivery.max-concurrent-reloads",
            "livesync.events.publish-application-events", "livesync.events.with-entity", "livesync.events.queue-size");
    /** The properties whose default is "not set" (the datasource's, generated, computed, the watched tables). */
    private static final Set<String> WITHOUT_DEFAULT = Set.of("livesync.url", "livesync.username", "livesync.password",
            "livesync.tables", "livesync.slot.name", "livesync.delivery.ui-threads", "livesync.replication.url",
            "livesync.replication.username", "livesync.replication.password",
            "livesync.delivery.max-concurrent-reloads");

    private final ApplicationContextRunner runner = APP.runner();

    @Test
    void everyPropertyBindsAndReachesTheRunningLiveSync() {
        TestDatabase db = APP.db();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "tcpKeepAlive=true";
        String slot = TestDatabase.uniqueName("livesync_props");
        try {
            runner.withPropertyValues(
                    "livesync.enabled=true",
                    "livesync.url=" + url,
                    "livesync.username=" + db.user(),
                    "livesync.password=" + db.password(),
                    "livesync.publication=" + APP.publication(),
                    "livesync.tables=" + APP.table(),
                    "livesync.status-interval=3s",
                    "livesync.heartbeat-interval=4s",
                    "livesync.publication-check-interval=5s",
                    "livesync.handover-capacity=64",
                    "livesync.slot.name=" + slot,
                    "livesync.slot.temporary=false",
                    "livesync.slot.cleanup.enabled=true",
                    "livesync.slot.cleanup.prefix=livesync_props_",
                    "livesync.slot.cleanup.inactive-for=20m",
                    // the same server at another URL: streams here (a standby is StandbyDecodingTest's)
                    "livesync.replication.url=" + db.jdbcUrl(),
                    "livesync.replication.username=" + db.user(),
                    "livesync.replication.password=" + db.password(),
                    "livesync.reconnect.min-backoff=100ms",
                    "livesync.reconnect.max-backoff=2s",
                    "livesync.delivery.max-pending=77",
                    "livesync.delivery.max-changes-per-transaction=7777",
                    "livesync.delivery.lazy-refresh-window=0ms",
                    "livesync.delivery.ui-threads=3",
                    "livesync.delivery.sweep-interval=7s",
                    "livesync.delivery.max-concurrent-reloads=2").run(context -> {
                assertThat(context).hasNotFailed();
                LiveSync liveSync = context.getBean(LiveSync.class);
                assertThat(liveSync.settings()).isEqualTo(CaptureSettings.forDatabase(url, db.user(), db.password())
                        .withPublication(APP.publication())
                        .withRequiredTables(Set.of(APP.table()))
                        .withStatusInterval(Duration.ofSeconds(3))
                        .withHeartbeatInterval(Duration.ofSeconds(4))
                        .withPublicationCheckInterval(Duration.ofSeconds(5))
                        .withHandoverCapacity(64)
                        .withSlotName(slot)
                        .withTemporarySlot(false)
                        .withSlotCleanup(SlotCleanup.of("livesync_props_", Duration.ofMinutes(20)))
                        .withReplicationSource(db.jdbcUrl(), db.user(), db.password())
                        .withReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)));
                assertThat(liveSync.deliverySettings())
                        .isEqualTo(new DeliverySettings(77, 7777, Duration.ZERO, 3, Duration.ofSeconds(7), 2));
                await().atMost(Duration.ofSeconds(30)).until(() -> liveSync.liveState().isLive());
                assertThat(permanentSlotExists(slot)).as("the configured permanent slot streams").isTrue();
            });
        } finally {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> dropSlot(slot));
        }
    }

    @Test
    void withNoPropertiesTheSettingsAreTheDefaultsOfTheSettingsRecords() {
        DatabaseLogin login = new DatabaseLogin("jdbc:postgresql://db/app", "app", "secret", "spring.datasource.url");
        assertThat(PropertySettings.of(new LiveSyncProperties(), login)).isEqualTo(
                LiveSyncSettings.of(CaptureSettings.forDatabase("jdbc:postgresql://db/app", "app", "secret")));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "livesync.status-interval                     | 0s                        | status interval must be positive",
            "livesync.heartbeat-interval                  | -1s                       | heartbeat interval must be positive",
            "livesync.publication-check-interval          | 0ms                       | publication check interval must be positive",
            "livesync.handover-capacity                   | 0                         | handover capacity must be at least 1",
            "livesync.slot.cleanup.prefix                 | Livesync-                 | an empty one would match every",
            "livesync.slot.cleanup.inactive-for           | 0s                        | must be positive",
            "livesync.slot.name                           | Node-1                    | 1 to 63 characters of a-z, 0-9 and _",
            "livesync.tables                              | a.b.c                     | schema.table",
            "livesync.reconnect.min-backoff               | 0s                        | minimum backoff must be positive",
            "livesync.reconnect.max-backoff               | 100ms                     | must not be below the minimum",
            "livesync.delivery.max-pending                | 0                         | must be at least 1",
            "livesync.delivery.max-changes-per-transaction| -5                        | must be at least 1",
            "livesync.delivery.lazy-refresh-window        | -1ms                      | must not be negative",
            "livesync.delivery.ui-threads                 | 0                         | must be at least 1",
            "livesync.delivery.sweep-interval             | 0s                        | sweep interval must be positive",
            "livesync.delivery.max-concurrent-reloads     | 0                         | concurrent reloads must be at least 1",
            "livesync.url                                 | jdbc:mysql://localhost/db | needs a PostgreSQL JDBC URL",
            "livesync.replication.url                     | jdbc:mysql://localhost/db | needs a PostgreSQL JDBC URL"})
    void aValueTheSettingsRefuseFailsTheStartNamingThePropertyAndWhy(String property, String value, String reason) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            System.out.println("invalid property: " + org.springframework.core.NestedExceptionUtils
                    .getMostSpecificCause(context.getStartupFailure()).getMessage());
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining(property).hasMessageContaining(reason)
                    .satisfies(e -> assertThat(((InvalidConfigurationPropertyValueException) e).getName())
                            .isEqualTo(property));
        });
    }

    @Test
    void aRefusedUrlIsShownWithoutItsPassword() {
        runner.withPropertyValues("livesync.url=jdbc:mysql://localhost/db?user=app&password=hunter2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("livesync.url")
                    .hasMessageContaining("password=***").hasMessageNotContaining("hunter2");
        });
    }

    @Test
    void aRefusedReplicationUrlIsShownWithoutItsPassword() {
        runner.withPropertyValues("livesync.replication.url=jdbc:mysql://standby/db?password=hunter2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("livesync.replication.url")
                    .hasMessageContaining("password=***").hasMessageNotContaining("hunter2");
        });
    }

    @Test
    void theReplicationSourceTakesLivesyncsLoginUnlessItsOwnIsGiven() {
        DatabaseLogin login = new DatabaseLogin("jdbc:postgresql://db/app", "app", "secret", "spring.datasource.url");
        LiveSyncProperties properties = new LiveSyncProperties();
        properties.getReplication().setUrl("jdbc:postgresql://standby/app");
        assertThat(PropertySettings.of(properties, login).capture().replicationSource())
                .isEqualTo(new CaptureSettings.ReplicationSource("jdbc:postgresql://standby/app", "app", "secret"));

        properties.getReplication().setUsername("replicator");
        properties.getReplication().setPassword("other");
        assertThat(PropertySettings.of(properties, login).capture().replicationSource())
                .isEqualTo(new CaptureSettings.ReplicationSource("jdbc:postgresql://standby/app", "replicator", "other"));
    }

    @Test
    void customizersRunInTheirOrderAfterThePropertiesAndCanChangeAnySetting() {
        runner.withUserConfiguration(Customizers.class)
                .withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere",
                        "livesync.delivery.max-pending=25", "livesync.handover-capacity=5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    LiveSync liveSync = context.getBean(LiveSync.class);
                    assertThat(liveSync.settings().handoverCapacity()).as("set by the first customizer").isEqualTo(6);
                    assertThat(liveSync.deliverySettings().maxPending())
                            .as("the second saw the first one's change, and replaced the property's value").isEqualTo(7);
                    assertThat(liveSync.settings().slotName()).isEqualTo("customized_slot");
                });
    }

    /** Two customizers, declared in the opposite order of their {@code @Order}. */
    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        @Bean
        @Order(2)
        LiveSyncCustomizer second() {
            return settings -> settings.withDelivery(settings.delivery()
                    .withMaxPending(settings.capture().handoverCapacity() + 1));
        }

        @Bean
        @Order(1)
        LiveSyncCustomizer first() {
            return settings -> settings.withCapture(settings.capture()
                    .withHandoverCapacity(settings.capture().handoverCapacity() + 1).withSlotName("customized_slot"));
        }
    }

    @Test
    void aCustomizerThatReturnsNullFailsTheStartSayingSo() {
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere")
                .withBean(LiveSyncCustomizer.class, () -> settings -> null)
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("LiveSyncCustomizer").hasMessageContaining("returned null"));
    }

    @Test
    void theGeneratedMetadataDescribesEveryPropertyWithItsDefault() throws IOException {
        Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(Files.readString(METADATA));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
        Map<String, Map<String, Object>> byName = properties.stream()
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> p));

        assertThat(new TreeSet<>(byName.keySet())).isEqualTo(new TreeSet<>(PROPERTIES));
        byName.forEach((name, property) -> {
            String description = (String) property.get("description");
            assertThat(description).as("%s has a description", name).isNotBlank();
            if ("java.lang.Boolean".equals(property.get("type"))) {
                assertThat(description).as("%s, a boolean", name).startsWith("Whether");
            }
            if (!WITHOUT_DEFAULT.contains(name)) {
                assertThat(property).as("%s has its default", name).containsKey("defaultValue");
            }
            if ("java.time.Duration".equals(property.get("type"))) {
                assertThat(String.valueOf(property.get("defaultValue"))).as("%s, with its unit", name)
                        .matches("\\d+(ms|s|m)");
            }
        });
    }

    @Test
    void theReadmeHasARowForEveryProperty() throws IOException {
        List<String> rows = Files.readAllLines(README).stream().filter(line -> line.startsWith("| `livesync.")).toList();
        Set<String> documented = rows.stream().map(row -> row.substring(3, row.indexOf('`', 3)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).isEqualTo(new TreeSet<>(PROPERTIES));
    }

    private static boolean permanentSlotExists(String slot) throws Exception {
        try (var c = APP.db().connect(); var s = c.prepareStatement(
                "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND NOT temporary")) {
            s.setString(1, slot);
            try (var rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean dropSlot(String slot) throws Exception {
        try (var c = APP.db().connect(); var s = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            s.execute();
        }
        return !permanentSlotExists(slot);
    }
}
