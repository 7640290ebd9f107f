/**
 * Events for code that is not a view: the listeners registered through
 * {@code LiveSync.events(..)}, the selection of a transaction's changes they want, and their
 * delivery on queues of their own.
 * <p>
 * <b>For internal use only.</b> These types may change in any release; applications use the
 * {@code org.vaadin.addons.livesync} package.
 */
package org.vaadin.addons.livesync.internal.events;
