package org.vaadin.addons.livesync.spring;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.DeliverySettings;
import org.vaadin.addons.livesync.LiveSyncSettings;
import org.vaadin.addons.livesync.SlotCleanup;

/**
 * Turns the {@code livesync.*} properties into {@link LiveSyncSettings}. The settings records do
 * the validation; a value they refuse fails the application's start with an
 * {@link InvalidConfigurationPropertyValueException} that names the property, its value (the URL
 * redacted; no password is ever validated) and the reason, which Spring Boot's failure analysis
 * shows as "Invalid value ... for configuration property ...". Stateless.
 */
final class PropertySettings {

    private PropertySettings() {
    }

    /** The settings for this login and the other properties. */
    static LiveSyncSettings of(LiveSyncProperties properties, DatabaseLogin login) {
        return new LiveSyncSettings(capture(properties, login), delivery(properties.getDelivery()));
    }

    private static CaptureSettings capture(LiveSyncProperties p, DatabaseLogin login) {
        LiveSyncProperties.Reconnect reconnect = p.getReconnect();
        LiveSyncProperties.Cleanup cleanup = p.getSlot().getCleanup();
        LiveSyncProperties.Replication replication = p.getReplication();
        String replicationUrl = replication.getUrl();
        Duration min = reconnect.getMinBackoff();
        boolean minInvalid = min == null || min.isNegative() || min.isZero();
        Set<String> tables = p.getTables() == null ? Set.of() : new LinkedHashSet<>(p.getTables());
        CaptureSettings forDatabase = checked(login.urlProperty(), CaptureSettings.redacted(login.url()),
                () -> CaptureSettings.forDatabase(login.url(), login.username(), login.password()));
        return new Chain<>(forDatabase)
                .then("livesync.publication", p.getPublication(), CaptureSettings::withPublication)
                .then("livesync.slot.temporary", p.getSlot().isTemporary(), CaptureSettings::withTemporarySlot)
                .thenIfGiven("livesync.slot.name", p.getSlot().getName(), CaptureSettings::withSlotName)
                .then("livesync.slot.cleanup.prefix", cleanup.getPrefix(), (s, prefix) -> s.withSlotCleanup(
                        cleanup.isEnabled() ? SlotCleanup.of(prefix, SlotCleanup.DEFAULT.inactiveFor()) : SlotCleanup.OFF))
                .then("livesync.slot.cleanup.inactive-for", cleanup.getInactiveFor(), (s, idle) -> cleanup.isEnabled()
                        ? s.withSlotCleanup(SlotCleanup.of(cleanup.getPrefix(), idle)) : s)
                // the value named in a refusal is the URL redacted; the settings get the URL itself
                .thenIfGiven("livesync.replication.url", replicationUrl == null ? null
                        : CaptureSettings.redacted(replicationUrl), (s, shown) -> s.withReplicationSource(replicationUrl,
                        replication.getUsername() != null ? replication.getUsername() : s.user(),
                        replication.getPassword() != null ? replication.getPassword() : s.password()))
                .then("livesync.tables", tables, CaptureSettings::withRequiredTables)
                .then("livesync.status-interval", p.getStatusInterval(), CaptureSettings::withStatusInterval)
                .then("livesync.heartbeat-interval", p.getHeartbeatInterval(), CaptureSettings::withHeartbeatInterval)
                .then("livesync.publication-check-interval", p.getPublicationCheckInterval(),
                        CaptureSettings::withPublicationCheckInterval)
                .then("livesync.handover-capacity", p.getHandoverCapacity(), CaptureSettings::withHandoverCapacity)
                .then(minInvalid ? "livesync.reconnect.min-backoff" : "livesync.reconnect.max-backoff",
                        minInvalid ? min : reconnect.getMaxBackoff(),
                        (s, given) -> s.withReconnectBackoff(min, reconnect.getMaxBackoff()))
                .result();
    }

    private static DeliverySettings delivery(LiveSyncProperties.Delivery d) {
        return new Chain<>(DeliverySettings.defaults())
                .then("livesync.delivery.max-pending", d.getMaxPending(), DeliverySettings::withMaxPending)
                .then("livesync.delivery.max-changes-per-transaction", d.getMaxChangesPerTransaction(),
                        DeliverySettings::withMaxChangesPerTransaction)
                .then("livesync.delivery.lazy-refresh-window", d.getLazyRefreshWindow(),
                        DeliverySettings::withLazyRefreshWindow)
                .thenIfGiven("livesync.delivery.ui-threads", d.getUiThreads(), DeliverySettings::withUiThreads)
                .then("livesync.delivery.sweep-interval", d.getSweepInterval(), DeliverySettings::withSweepInterval)
                .thenIfGiven("livesync.delivery.max-concurrent-reloads", d.getMaxConcurrentReloads(),
                        DeliverySettings::withMaxConcurrentReloads)
                .result();
    }

    /** {@code change}'s result, or the failure naming {@code property} when the settings refuse its value. */
    private static <T> T checked(String property, Object value, Supplier<T> change) {
        try {
            return change.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
        }
    }

    /** Applies one property after the other, naming the property whose value the settings refuse. */
    private static final class Chain<T> {

        private T settings;

        Chain(T start) {
            this.settings = start;
        }

        <V> Chain<T> then(String property, V value, BiFunction<T, V, T> wither) {
            T current = settings;
            settings = checked(property, value, () -> wither.apply(current, value));
            return this;
        }

        /** As {@link #then}, unless the property is not set (null or empty): then the default stays. */
        <V> Chain<T> thenIfGiven(String property, @Nullable V value, BiFunction<T, V, T> wither) {
            return value == null || "".equals(value) ? this : then(property, value, wither);
        }

        T result() {
            return settings;
        }
    }
}
