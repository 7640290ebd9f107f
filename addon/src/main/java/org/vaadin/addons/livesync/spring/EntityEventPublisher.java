package org.vaadin.addons.livesync.spring;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.ResolvableType;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.EntityEvents;
import org.vaadin.addons.livesync.EntityListener;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.MissedEvents;

import com.vaadin.flow.shared.Registration;

/**
 * Publishes every {@link EntityEvent} of every watched type as a Spring application event, so
 * that {@code @EventListener void on(EntityEvent<Task> event)} receives those of {@code Task} (the
 * event's generic type is given with it), and every {@link MissedEvents} notice too. Registered as
 * one LiveSync entity listener, while the bean exists: the application's event listeners run one
 * after another on its {@code livesync-events-N} virtual thread, with Spring's semantics (one that throws
 * is logged by LiveSync and keeps receiving later events, but the ones after it miss that event).
 * <p>
 * Thread-safe.
 */
final class EntityEventPublisher implements EntityListener<Object>, InitializingBean, DisposableBean {

    private final LiveSync liveSync;
    private final ApplicationEventPublisher publisher;
    private final LiveSyncProperties.Events properties;
    private volatile Registration registration;

    EntityEventPublisher(LiveSync liveSync, ApplicationEventPublisher publisher, LiveSyncProperties.Events properties) {
        this.liveSync = liveSync;
        this.publisher = publisher;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        EntityEvents<Object> events = liveSync.events().withQueueSize(properties.getQueueSize());
        registration = (properties.isWithEntity() ? events.withEntity() : events).listen(this);
    }

    @Override
    public void onEvent(EntityEvent<Object> event) {
        publisher.publishEvent(new PayloadApplicationEvent<>(liveSync, event,
                ResolvableType.forClassWithGenerics(EntityEvent.class, event.entityType())));
    }

    @Override
    public void onMissed(MissedEvents missed) {
        publisher.publishEvent(missed);
    }

    @Override
    public void destroy() {
        Registration current = registration;
        if (current != null) {
            current.remove();
        }
    }

    @Override
    public String toString() {
        return "Spring application events";
    }
}
