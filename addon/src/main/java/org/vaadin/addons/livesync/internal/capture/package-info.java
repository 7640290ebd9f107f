/**
 * The capture stage: connects, checks the database, creates the slot, reads, acknowledges, sends heartbeats and reconnects.
 * <p>
 * <b>For internal use only.</b> These types may change in any release; applications use the
 * {@code org.vaadin.addons.livesync} package. Their serialized form is no API either.
 *
 * @serial exclude
 */
package org.vaadin.addons.livesync.internal.capture;
