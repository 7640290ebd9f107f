package org.vaadin.addons.livesync.demo.tasks;

import java.util.List;

import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

/**
 * The tasks; the board pages, sorts and filters one organization's through it, and saves through it.
 * A filter adds only the conditions it needs, so the unfiltered board of a large organization is
 * counted from the {@code organization_id} index and paged from {@code task_organization_title}.
 */
public interface TaskRepository extends JpaRepository<Task, Long>, JpaSpecificationExecutor<Task> {

    /** One page of the organization's tasks that match {@code filter}, in the page's order (no count query). */
    default List<Task> findPage(Long organizationId, TaskFilter filter, Pageable pageable) {
        return findBy(matching(organizationId, filter), query -> query.slice(pageable)).getContent();
    }

    /** How many of the organization's tasks match {@code filter}. */
    default long countMatching(Long organizationId, TaskFilter filter) {
        return count(matching(organizationId, filter));
    }

    /**
     * The organization's tasks whose title contains the filter's text, ignoring case ({@code %},
     * {@code _} and {@code \} in it match themselves), and whose status is not {@code done} when the
     * filter hides those.
     */
    static Specification<Task> matching(Long organizationId, TaskFilter filter) {
        Specification<Task> spec = (task, query, cb) -> cb.equal(task.get("organizationId"), organizationId);
        if (!filter.title().isEmpty()) {
            String pattern = "%" + filter.title().toLowerCase().replaceAll("[\\\\%_]", "\\\\$0") + "%";
            spec = spec.and((task, query, cb) -> cb.like(cb.lower(task.get("title")), pattern, '\\'));
        }
        if (filter.hideDone()) {
            spec = spec.and((task, query, cb) -> cb.notEqual(cb.lower(task.get("status")), Task.DONE));
        }
        return spec;
    }
}
