package org.vaadin.addons.livesync.spring;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.vaadin.addons.livesync.CaptureSettings;

/**
 * Where LiveSync connects: each of {@code livesync.url}, {@code .username} and {@code .password}
 * when set, else the application datasource's (Spring Boot's {@link JdbcConnectionDetails}, which
 * covers {@code spring.datasource.*} and service connections). Immutable; {@link #toString()}
 * shows neither the password nor one written into the URL.
 */
record DatabaseLogin(String url, String username, String password) {

    private static final boolean JDBC_PRESENT = ClassUtils.isPresent(
            "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails", DatabaseLogin.class.getClassLoader());

    static DatabaseLogin of(LiveSyncProperties properties, BeanFactory beans) {
        DatabaseLogin datasource = JDBC_PRESENT ? Datasource.login(beans) : new DatabaseLogin(null, null, null);
        String url = StringUtils.hasText(properties.getUrl()) ? properties.getUrl() : datasource.url();
        if (!StringUtils.hasText(url)) {
            throw new IllegalStateException("LiveSync does not know which database to read: set livesync.url (and "
                    + "livesync.username, livesync.password) or spring.datasource.url, or set livesync.enabled=false");
        }
        return new DatabaseLogin(url,
                properties.getUsername() != null ? properties.getUsername() : datasource.username(),
                properties.getPassword() != null ? properties.getPassword() : datasource.password());
    }

    /** The capture settings for this login and the other {@code livesync.*} properties. */
    CaptureSettings captureSettings(LiveSyncProperties properties) {
        CaptureSettings settings = CaptureSettings.forDatabase(url, username, password)
                .withPublication(properties.getPublication())
                .withTemporarySlot(properties.isTemporarySlot())
                .withStatusInterval(properties.getStatusInterval());
        return StringUtils.hasText(properties.getSlotName()) ? settings.withSlotName(properties.getSlotName()) : settings;
    }

    @Override
    public String toString() {
        return "DatabaseLogin[" + CaptureSettings.redacted(url) + " as " + username + "]";
    }

    /** Kept apart so that nothing loads spring-boot-jdbc's classes when it is absent. */
    private static final class Datasource {
        static DatabaseLogin login(BeanFactory beans) {
            JdbcConnectionDetails details = beans.getBeanProvider(JdbcConnectionDetails.class).getIfUnique();
            return details == null ? new DatabaseLogin(null, null, null)
                    : new DatabaseLogin(details.getJdbcUrl(), details.getUsername(), details.getPassword());
        }
    }
}
