package org.vaadin.addons.livesync.demo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The demo's default database: without {@code spring.datasource.url} (environment
 * {@code SPRING_DATASOURCE_URL}) it starts an {@link EmbeddedDatabase} for the datasource, and
 * stops it after the datasource is closed. The server starts in the background as soon as the
 * application's beans are defined, so that it boots while the web server and Vaadin initialize.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatasourceUrl.class)
class EmbeddedDatabaseConfiguration {

    @Bean
    static EarlyStart embeddedDatabaseEarlyStart() {
        return new EarlyStart();
    }

    /** Closed by {@link EarlyStart}, which owns the server. */
    @Bean(destroyMethod = "")
    EmbeddedDatabase embeddedDatabase(EarlyStart start) {
        return start.database();
    }

    static final class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }

    /** Starts the server on a thread of its own before any bean is created; stops it with the context. */
    static final class EarlyStart implements BeanFactoryPostProcessor, DisposableBean {

        private CompletableFuture<EmbeddedDatabase> server;

        @Override
        public synchronized void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            server = CompletableFuture.supplyAsync(EmbeddedDatabase::start,
                    task -> Thread.ofPlatform().name("embedded-postgres-start").daemon().start(task));
        }

        synchronized EmbeddedDatabase database() {
            try {
                return server.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }

        @Override
        public synchronized void destroy() throws Exception {
            if (server != null) {
                EmbeddedDatabase database = server.exceptionally(e -> null).join();
                if (database != null) {
                    database.close();
                }
            }
        }
    }
}
