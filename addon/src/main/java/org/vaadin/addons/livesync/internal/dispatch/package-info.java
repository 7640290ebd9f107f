/**
 * The dispatch stage: routes each transaction's changes to the open views they concern and delivers them through {@code UI.access}.
 * <p>
 * <b>For internal use only.</b> These types may change in any release; applications use the
 * {@code org.vaadin.addons.livesync} package. Their serialized form is no API either.
 *
 * @serial exclude
 */
package org.vaadin.addons.livesync.internal.dispatch;
