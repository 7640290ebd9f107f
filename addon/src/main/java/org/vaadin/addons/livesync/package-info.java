/**
 * LiveSync for Vaadin: Vaadin views that stay live with PostgreSQL.
 * <p>
 * Everything an application uses is in this package: {@link org.vaadin.addons.livesync.Watched}
 * marks the entities to keep live; {@link org.vaadin.addons.livesync.LiveSync} is the running
 * add-on (configured by itself in Spring Boot); {@link org.vaadin.addons.livesync.LiveScope} binds
 * watched lists and beans to any component, and {@link org.vaadin.addons.livesync.LiveSyncView}
 * is a view base class over the same mechanism; code that is not a view (a service, a scheduled job,
 * a Spring bean) receives typed {@link org.vaadin.addons.livesync.EntityEvent}s through
 * {@link org.vaadin.addons.livesync.LiveSync#events(Class)}. Subpackages named {@code internal} are not part of
 * the API.
 * <p>
 * The view types are {@code Serializable} because Vaadin sessions are; their serialized form is not
 * an API (it may change in any release), so it is left out of this documentation.
 *
 * @serial exclude
 */
package org.vaadin.addons.livesync;
