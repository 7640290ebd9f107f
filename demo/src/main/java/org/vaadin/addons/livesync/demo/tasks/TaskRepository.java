package org.vaadin.addons.livesync.demo.tasks;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

/** The tasks; views load one organization's and save through it. */
public interface TaskRepository extends JpaRepository<Task, Long> {

    List<Task> findByOrganizationId(Long organizationId);
}
