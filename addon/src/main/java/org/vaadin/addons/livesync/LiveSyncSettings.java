package org.vaadin.addons.livesync;

import java.util.Objects;

/**
 * Everything {@link LiveSync#create(jakarta.persistence.EntityManagerFactory, LiveSyncSettings)}
 * needs besides the entities: how it reads the database ({@link CaptureSettings}) and how it
 * delivers to the views ({@link DeliverySettings}). An immutable, thread-safe record; the Spring
 * Boot auto-configuration builds one from the {@code livesync.*} properties and hands it to the
 * application's {@code LiveSyncCustomizer} beans.
 *
 * @param capture  how the replication stream is read
 * @param delivery how changes reach the views
 */
public record LiveSyncSettings(CaptureSettings capture, DeliverySettings delivery) {

    /** Checks that both parts are given. */
    public LiveSyncSettings {
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(delivery, "delivery");
    }

    /**
     * The capture settings with the {@linkplain DeliverySettings#defaults() default delivery}.
     *
     * @param capture how the replication stream is read
     * @return settings of that capture and the default delivery
     * @throws NullPointerException when {@code capture} is null
     */
    public static LiveSyncSettings of(CaptureSettings capture) {
        return new LiveSyncSettings(capture, DeliverySettings.defaults());
    }

    /**
     * A copy with other capture settings.
     *
     * @param capture how the replication stream is read
     * @return a copy with that capture, and this one's delivery
     * @throws NullPointerException when {@code capture} is null
     */
    public LiveSyncSettings withCapture(CaptureSettings capture) {
        return new LiveSyncSettings(capture, delivery);
    }

    /**
     * A copy with other delivery settings.
     *
     * @param delivery how changes reach the views
     * @return a copy with that delivery, and this one's capture
     * @throws NullPointerException when {@code delivery} is null
     */
    public LiveSyncSettings withDelivery(DeliverySettings delivery) {
        return new LiveSyncSettings(capture, delivery);
    }
}
