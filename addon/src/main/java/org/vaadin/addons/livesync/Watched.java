package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.internal.watch.WatchRegistry;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Hibernate/JPA entity whose row changes LiveSync pushes into live views.
 * <p>
 * {@link WatchRegistry#of(org.hibernate.SessionFactory)} finds every entity carrying this
 * annotation through Hibernate's metamodel; nothing is listed by hand. Each change of a row of the
 * entity's table reaches the views subscribed to the row's {@link #subscriptionKey() subscription
 * key} value, e.g. the tenant the row belongs to. Every watched entity says how its rows are routed:
 * either by a {@link #subscriptionKey() subscriptionKey}, or — for reference data that every user may
 * see — with {@link #global() global = true}; exactly one of the two.
 *
 * <pre>{@code
 * @Entity
 * @Watched(subscriptionKey = "organizationId")
 * public class Task {
 *     @Id Long id;
 *     Long organizationId;   // or: @ManyToOne Organization organization
 *     ...
 * }
 * }</pre>
 *
 * An entity that maps a database view (or a {@code @Subselect}) names the base table whose changes
 * it follows; the view's id and key columns must carry the base table's column names:
 *
 * <pre>{@code
 * @Entity
 * @Immutable
 * @Table(name = "visible_tasks")
 * @Watched(subscriptionKey = "organizationId", table = "task")
 * public class VisibleTask { ... }
 * }</pre>
 *
 * Each view receives its own copy of a changed row, with the associations the load initialized
 * (EAGER ones and those {@link #fetch() fetch} lists); LAZY ones not listed stay unloaded:
 *
 * <pre>{@code
 * @Entity
 * @Watched(subscriptionKey = "organizationId", fetch = {"project"})
 * public class Task {
 *     @ManyToOne(fetch = FetchType.LAZY) Project project;   // loaded with every changed task
 *     @ManyToOne(fetch = FetchType.LAZY) User reviewer;     // not loaded: its id only
 *     ...
 * }
 * }</pre>
 *
 * Reference data that belongs to no tenant (countries, currencies, product categories shared by
 * all) has no subscription key; mark it {@link #global() global}, and every view of every user
 * sees every row of it:
 *
 * <pre>{@code
 * @Entity
 * @Watched(global = true)     // every row, to every view of every user
 * public class Country { @Id Long id; String code; String name; }
 * }</pre>
 *
 * The annotation is not inherited: annotate each entity class to watch. A mistake in it fails
 * {@link WatchRegistry#of(org.hibernate.SessionFactory)} (or, when it needs the database,
 * {@link WatchRegistry#validate(java.sql.Connection)}) with a {@link WatchConfigurationException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Watched {

    /**
     * The entity attribute whose value routes a change to views, e.g. {@code "organizationId"}: a
     * basic attribute (its column) or a to-one association that owns its foreign key (the foreign
     * key column; the key value is then the associated entity's id). A view receives a row only
     * when the row's key equals the view's subscription value.
     * <p>
     * Required unless {@link #global()} is {@code true}; giving both, or neither, fails at start
     * with a {@link WatchConfigurationException}.
     *
     * @return the entity attribute whose value routes a change to views, e.g. {@code "organizationId"}: a basic
     *     attribute (its column) or a to-one association that owns its foreign key (the foreign key column; the key
     *     value is then the associated entity's id)
     */
    String subscriptionKey() default "";

    /**
     * Whether the entity is reference data without a tenant: <strong>every view of every user may
     * see every row of it</strong>, whatever the view's subscription value. Its rows have no
     * subscription key, so every committed insert, update, delete and truncate of its table reaches
     * every view that lists the entity (a form or a set of ids: the changes of the rows it shows),
     * and a lookup of it by id finds the row for any view.
     * <p>
     * Only for data that is public within the application (countries, currencies, shared
     * categories): a row of a tenant's data in such a table reaches every tenant. Not allowed
     * together with {@link #subscriptionKey()}; an entity must name its key or say
     * {@code global = true} explicitly, so that no entity becomes visible to all by omission.
     *
     * @return whether the entity is reference data without a tenant: <strong>every view of every user may see every
     *     row of it</strong>, whatever the view's subscription value
     */
    boolean global() default false;

    /**
     * The basic attribute that identifies a row. Defaults to the entity's {@code @Id}; set it when
     * the entity's id is not the base table's row identity (e.g. a view's surrogate id).
     *
     * @return the basic attribute that identifies a row
     */
    String id() default "";

    /**
     * The table whose changes this entity follows, as it would be written in SQL ({@code task},
     * {@code app.task}, {@code "Task"}: unquoted names fold to lower case). Defaults to the entity's
     * mapped table after Hibernate's naming strategy. Required when the entity maps a view or a
     * {@code @Subselect}: PostgreSQL publishes changes of base tables only.
     *
     * @return the table whose changes this entity follows, as it would be written in SQL ({@code task}, {@code
     *     app.task}, {@code "Task"}: unquoted names fold to lower case)
     */
    String table() default "";

    /**
     * Associations of the entity to load with every changed row, e.g. {@code {"project"}}: to-one
     * associations or collections, usually LAZY ones that the views read (in a renderer, a form or
     * {@code sync()}). They are loaded in the same one query per entity type and transaction that
     * loads the changed rows (as an entity graph), however many views receive them, and every view
     * gets its own copy of them.
     * <p>
     * What a delivered entity's associations are:
     * <ul>
     * <li>EAGER ones, and those listed here: loaded, and private to the view (copies, like the row;
     * a collection is a new collection of copies);</li>
     * <li>other LAZY ones: not loaded, and they behave as in a detached entity — a to-one's id can be
     * read, anything else throws {@link org.hibernate.LazyInitializationException}; merging the
     * entity keeps them as they are in the database. Re-load them in {@code sync()}, or list them
     * here.</li>
     * </ul>
     * The associations' rows are loaded as the mapping says, whatever their own subscription key:
     * only the delivered row's own key is checked against the view's value.
     * <p>
     * Each name must be an association of the entity itself (not a path), and at most one of them
     * (counting the entity's join-fetched EAGER collections) a bag — a {@code List} or
     * {@code Collection} without {@code @OrderColumn}; otherwise building the registry fails with a
     * {@link WatchConfigurationException}.
     *
     * @return associations of the entity to load with every changed row, e.g. {@code {"project"}}: to-one
     *     associations or collections, usually LAZY ones that the views read (in a renderer, a form or {@code
     *     sync()})
     */
    String[] fetch() default {};
}
