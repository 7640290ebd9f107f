/**
 * The watch stage: which Hibernate entities LiveSync keeps live, and what a decoded row change means
 * for them.
 * <p>
 * Annotate entities with {@link org.vaadin.addons.livesync.watch.Watched}; build a
 * {@link org.vaadin.addons.livesync.watch.WatchRegistry} from the session factory (it finds them
 * through Hibernate's metamodel), {@linkplain org.vaadin.addons.livesync.watch.WatchRegistry#validate
 * validate} it against the database at start-up, and turn each decoded
 * {@link org.vaadin.addons.livesync.decode.Transaction} into
 * {@link org.vaadin.addons.livesync.watch.EntityChange}s with
 * {@link org.vaadin.addons.livesync.watch.WatchRegistry#changesOf(org.vaadin.addons.livesync.decode.Transaction)}.
 * Everything public here is immutable and thread-safe.
 */
package org.vaadin.addons.livesync.watch;
