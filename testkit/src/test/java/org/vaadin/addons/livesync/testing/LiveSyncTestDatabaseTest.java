package org.vaadin.addons.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The Spring test configuration without Docker (as here): the application's datasource is the
 * shared test server, with logical replication, whatever {@code spring.datasource.*} says.
 */
class LiveSyncTestDatabaseTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
            .withUserConfiguration(LiveSyncTestDatabase.class)
            .withPropertyValues("spring.datasource.url=jdbc:postgresql://nowhere.invalid:1/none");

    @Test
    void theDatasourceIsTheSharedTestServerWithLogicalReplication() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("liveSyncPostgresContainer");
            assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
                    .isEqualTo(TestPostgres.shared().jdbcUrl());
            try (var c = context.getBean(DataSource.class).getConnection(); var s = c.createStatement();
                 var rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
            }
        });
    }
}
