package org.vaadin.addons.livesync.demo.tasks;

import org.springframework.data.jpa.repository.JpaRepository;

/** The organizations. */
public interface OrganizationRepository extends JpaRepository<Organization, Long> {
}
