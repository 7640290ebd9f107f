package org.vaadin.addons.livesync.demo.tasks;

import java.util.ArrayList;
import java.util.List;

import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

import jakarta.persistence.criteria.Expression;
import jakarta.persistence.criteria.Order;

/**
 * The tasks; the board pages, sorts and filters one organization's through it, and saves through it.
 * A filter adds only the conditions it needs, so the unfiltered board of a large organization is
 * counted from the {@code organization_id} index ({@link TaskCounts}) and paged from
 * {@code task_organization_title}. Orders that ignore case compare the lower case character by
 * character ({@link #CASE_IGNORED_ORDER}), whatever the database's collation.
 */
public interface TaskRepository extends JpaRepository<Task, Long>, JpaSpecificationExecutor<Task>, TaskCounts {

    /**
     * The collation of an order that ignores case: {@code lower(title) COLLATE ucs_basic}, Unicode code
     * point by code point, as Java's {@code String.CASE_INSENSITIVE_ORDER} does and as the demo's contract
     * asks ("!!..." and "000..." come first). The database's own collation may differ: glibc's
     * {@code en_US.UTF-8}, for one, skips punctuation.
     */
    String CASE_IGNORED_ORDER = "ucs_basic";

    /** One page of the organization's tasks that match {@code filter}, in the page's order (no count query). */
    default List<Task> findPage(Long organizationId, TaskFilter filter, Pageable pageable) {
        Pageable range = PageRequest.of(pageable.getPageNumber(), pageable.getPageSize());
        return findBy(matching(organizationId, filter).and(orderedBy(pageable.getSort())), query -> query.slice(range))
                .getContent();
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

    /**
     * No condition; orders the query by {@code sort}, an order that ignores case by the attribute's lower
     * case in {@link #CASE_IGNORED_ORDER}. Needs Hibernate's criteria builder (for {@code COLLATE}).
     */
    static Specification<Task> orderedBy(Sort sort) {
        return (task, query, cb) -> {
            HibernateCriteriaBuilder hibernate = (HibernateCriteriaBuilder) cb;
            List<Order> orders = new ArrayList<>();
            for (Sort.Order order : sort) {
                Expression<?> key = order.isIgnoreCase()
                        ? hibernate.collate(hibernate.lower(task.<String>get(order.getProperty())), CASE_IGNORED_ORDER)
                        : task.get(order.getProperty());
                orders.add(order.isAscending() ? cb.asc(key) : cb.desc(key));
            }
            query.orderBy(orders);
            return null;
        };
    }
}
