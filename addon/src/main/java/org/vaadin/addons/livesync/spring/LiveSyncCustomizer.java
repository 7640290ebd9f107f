package org.vaadin.addons.livesync.spring;

import org.vaadin.addons.livesync.LiveSyncSettings;

/**
 * A bean that changes LiveSync's settings where the {@code livesync.*} properties cannot, before
 * the auto-configuration creates {@link org.vaadin.addons.livesync.LiveSync}: e.g. a slot name
 * derived from the host at run time, or a value computed from other beans. Every customizer bean
 * runs, in {@link org.springframework.core.Ordered} / {@link org.springframework.core.annotation.Order @Order}
 * order, each receiving what the one before returned; the first receives the settings bound from
 * the properties. The settings are immutable records, so a customizer returns the changed copy:
 *
 * <pre>
 * &#64;Bean
 * LiveSyncCustomizer slotPerPod(&#64;Value("${POD_ORDINAL}") int ordinal) {
 *     return settings -&gt; settings.withCapture(settings.capture()
 *             .withTemporarySlot(false).withSlotName("livesync_node_" + ordinal));
 * }
 * </pre>
 *
 * Ignored when the application defines its own {@code LiveSync} bean.
 */
@FunctionalInterface
public interface LiveSyncCustomizer {

    /**
     * Returns the settings to create LiveSync with: {@code settings}, changed as needed. Called once,
     * at startup, on the thread that creates the bean.
     *
     * @param settings the settings so far (from the properties and the customizers before this one)
     * @return the settings to go on with; never null
     */
    LiveSyncSettings customize(LiveSyncSettings settings);
}
