/**
 * The decode stage: pgoutput bytes into immutable transactions of typed row changes; pure, no dependencies.
 * <p>
 * <b>For internal use only.</b> These types may change in any release; applications use the
 * {@code org.vaadin.addons.livesync} package. Their serialized form is no API either.
 *
 * @serial exclude
 */
package org.vaadin.addons.livesync.internal.decode;
