package org.vaadin.addons.livesync.spring;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.vaadin.addons.livesync.Watched;

/** The watched entity of the auto-configuration tests; its table lives in a schema of the test's own. */
@Entity(name = "SpringTask")
@Table(name = "spring_task")
@Watched(subscriptionKey = "organizationId")
class SpringTask {
    @Id
    Long id;
    Long organizationId;
    String title;
}
