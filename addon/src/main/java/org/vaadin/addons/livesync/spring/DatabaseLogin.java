package org.vaadin.addons.livesync.spring;

import org.jspecify.annotations.Nullable;
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
 *
 * @param url         the JDBC URL
 * @param username    the user; null for the driver's default
 * @param password    the password; null for none
 * @param urlProperty the property the URL came from, for messages about it
 */
record DatabaseLogin(String url, @Nullable String username, @Nullable String password, String urlProperty) {

    private static final boolean JDBC_PRESENT = ClassUtils.isPresent(
            "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails", DatabaseLogin.class.getClassLoader());

    static DatabaseLogin of(LiveSyncProperties properties, BeanFactory beans) {
        DatabaseLogin datasource = JDBC_PRESENT ? Datasource.login(beans) : null;
        boolean own = StringUtils.hasText(properties.getUrl());
        String url = own ? properties.getUrl() : datasource == null ? null : datasource.url();
        if (!StringUtils.hasText(url)) {
            throw new IllegalStateException("LiveSync does not know which database to read: set livesync.url (and "
                    + "livesync.username, livesync.password) or spring.datasource.url, or set livesync.enabled=false");
        }
        return new DatabaseLogin(url,
                properties.getUsername() != null || datasource == null ? properties.getUsername() : datasource.username(),
                properties.getPassword() != null || datasource == null ? properties.getPassword() : datasource.password(),
                own ? "livesync.url" : "spring.datasource.url");
    }

    @Override
    public String toString() {
        return "DatabaseLogin[" + CaptureSettings.redacted(url) + " as " + username + "]";
    }

    /** Kept apart so that nothing loads spring-boot-jdbc's classes when it is absent. */
    private static final class Datasource {
        static @Nullable DatabaseLogin login(BeanFactory beans) {
            JdbcConnectionDetails details = beans.getBeanProvider(JdbcConnectionDetails.class).getIfUnique();
            return details == null ? null : new DatabaseLogin(details.getJdbcUrl(), details.getUsername(),
                    details.getPassword(), "spring.datasource.url");
        }
    }
}
