/**
 * The watch stage: which Hibernate entities LiveSync keeps live (those annotated
 * {@link org.vaadin.addons.livesync.Watched}), resolved through Hibernate's metamodel, and what a
 * decoded row change means for them.
 * <p>
 * <b>For internal use only.</b> These types may change in any release; applications use the
 * {@code org.vaadin.addons.livesync} package. Their serialized form is no API either.
 *
 * @serial exclude
 */
package org.vaadin.addons.livesync.internal.watch;
