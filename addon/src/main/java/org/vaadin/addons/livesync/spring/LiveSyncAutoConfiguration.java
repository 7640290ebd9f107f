package org.vaadin.addons.livesync.spring;

import java.util.Objects;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncMeterBinder;
import org.vaadin.addons.livesync.LiveSyncSettings;
import org.vaadin.addons.livesync.TransactionRunner;

import com.vaadin.flow.server.VaadinServiceInitListener;

import io.micrometer.core.instrument.binder.MeterBinder;

import jakarta.persistence.EntityManagerFactory;

/**
 * Auto-configuration of {@link LiveSync} for a Spring Boot application with JPA (Hibernate): creates
 * the pipeline for the application's {@link org.vaadin.addons.livesync.Watched} entities,
 * reading the datasource's database unless {@code livesync.url} names another; starts it with the
 * application context and stops it with it; installs it into the Vaadin application so that
 * {@link org.vaadin.addons.livesync.LiveSyncView}s find it; runs forms' saves on the
 * application's transaction manager; publishes entity events as application events when
 * {@code livesync.events.publish-application-events} is set; with Spring Boot Actuator, adds a
 * {@code livesync} health indicator; and, with Micrometer, a {@link LiveSyncMeterBinder} bean
 * (the {@code livesync.*} meters, bound by Spring Boot's metrics auto-configuration). Its settings are the {@code livesync.*} properties
 * ({@link LiveSyncProperties}), then whatever the application's {@link LiveSyncCustomizer} beans
 * change. Turned off with {@code livesync.enabled=false}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration"})
@ConditionalOnClass(EntityManagerFactory.class)
@ConditionalOnBean(EntityManagerFactory.class)
@ConditionalOnBooleanProperty(name = "livesync.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LiveSyncProperties.class)
public final class LiveSyncAutoConfiguration {

    /** Created by Spring Boot's auto-configuration. */
    public LiveSyncAutoConfiguration() {
    }

    /**
     * Created from the {@code livesync.*} properties, then changed by the {@link LiveSyncCustomizer}
     * beans in their order. Not started here: {@link #liveSyncLifecycle} starts it once the context
     * is refreshed.
     */
    @Bean
    @ConditionalOnMissingBean
    LiveSync liveSync(EntityManagerFactory entityManagerFactory, LiveSyncProperties properties, BeanFactory beans,
                      ObjectProvider<LiveSyncCustomizer> customizers) {
        LiveSyncSettings settings = PropertySettings.of(properties, DatabaseLogin.of(properties, beans));
        if (properties.getDelivery().getMaxConcurrentReloads() == null) {
            settings = PoolSize.boundReloads(settings, beans);
        }
        for (LiveSyncCustomizer customizer : customizers.orderedStream().toList()) {
            settings = Objects.requireNonNull(customizer.customize(settings),
                    () -> "The LiveSyncCustomizer " + customizer + " returned null instead of the settings");
        }
        return LiveSync.create(entityManagerFactory, settings);
    }

    @Bean
    @ConditionalOnMissingBean(name = "liveSyncLifecycle")
    LiveSyncLifecycle liveSyncLifecycle(LiveSync liveSync) {
        return new LiveSyncLifecycle(liveSync);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(VaadinServiceInitListener.class)
    static class VaadinConfiguration {

        /** Makes the instance the one that views of this Vaadin application find. */
        @Bean
        @ConditionalOnMissingBean(name = "liveSyncVaadinServiceInitListener")
        VaadinServiceInitListener liveSyncVaadinServiceInitListener(LiveSync liveSync) {
            return liveSync::install;
        }
    }

    /**
     * Form saves run on the application's transaction manager, so that the repositories a form's
     * saver calls join the transaction that locks and checks the row. A {@link TransactionRunner}
     * bean of the application's own replaces this one.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({PlatformTransactionManager.class, EntityManagerFactoryUtils.class})
    static class TransactionConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnSingleCandidate(PlatformTransactionManager.class)
        TransactionRunner liveSyncTransactionRunner(PlatformTransactionManager transactionManager,
                                                    EntityManagerFactory entityManagerFactory) {
            return new SpringTransactionRunner(transactionManager, entityManagerFactory);
        }

        /** Hands the application's runner (this configuration's, or its own bean) to LiveSync's saves. */
        @Bean
        InitializingBean liveSyncTransactionRunnerInstaller(LiveSync liveSync,
                                                            ObjectProvider<TransactionRunner> runner) {
            return () -> runner.ifAvailable(liveSync::useTransactions);
        }
    }

    /**
     * With {@code livesync.events.publish-application-events=true}, every change of a watched entity
     * is published as an {@link org.vaadin.addons.livesync.EntityEvent} application event.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("livesync.events.publish-application-events")
    static class ApplicationEventsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        EntityEventPublisher liveSyncEntityEventPublisher(LiveSync liveSync, ApplicationEventPublisher publisher,
                                                          LiveSyncProperties properties) {
            return new EntityEventPublisher(liveSync, publisher, properties.getEvents());
        }
    }

    /**
     * With Micrometer on the class path, the {@code livesync.*} meters: Spring Boot binds every
     * {@code MeterBinder} bean to the application's registries. A bean of the application's own
     * (e.g. one with tags) replaces this one.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LiveSyncMeterBinder liveSyncMeterBinder(LiveSync liveSync) {
            return new LiveSyncMeterBinder(liveSync);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    @ConditionalOnEnabledHealthIndicator("livesync")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "livesyncHealthIndicator")
        HealthIndicator livesyncHealthIndicator(LiveSync liveSync) {
            return new LiveSyncHealthIndicator(liveSync);
        }
    }
}
