package org.vaadin.addons.livesync.spring;

import javax.sql.DataSource;

import org.springframework.beans.factory.BeanFactory;
import org.vaadin.addons.livesync.LiveSyncSettings;

/**
 * Keeps the default bound of concurrent reloads within the application's connection pool: at most
 * half of a Hikari pool's {@code maximumPoolSize} (at least 1), so that views reloading after an
 * interruption leave connections for the application's own requests. Hikari is looked at by
 * reflection: the add-on does not depend on it.
 */
final class PoolSize {

    private PoolSize() {
    }

    /** The settings with the reload bound lowered to half the pool's size when that is smaller. */
    static LiveSyncSettings boundReloads(LiveSyncSettings settings, BeanFactory beans) {
        Integer pool = hikariPoolSize(beans);
        int current = settings.delivery().maxConcurrentReloads();
        if (pool == null || pool / 2 >= current) {
            return settings;
        }
        return settings.withDelivery(settings.delivery().withMaxConcurrentReloads(Math.max(1, pool / 2)));
    }

    private static Integer hikariPoolSize(BeanFactory beans) {
        try {
            DataSource dataSource = beans.getBeanProvider(DataSource.class).getIfUnique();
            if (dataSource == null || !dataSource.getClass().getName().startsWith("com.zaxxer.hikari.")) {
                return null;
            }
            Object size = dataSource.getClass().getMethod("getMaximumPoolSize").invoke(dataSource);
            return size instanceof Integer i && i > 0 ? i : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // no DataSource (or JDBC) here, or not Hikari's: keep the default
        }
    }
}
