/**
 * The watch stage: which Hibernate entities LiveSync keeps live (those annotated
 * {@link org.vaadin.addons.livesync.Watched}), resolved through Hibernate's metamodel, and what a
 * decoded row change means for them.
 * <p>
 * <b>For internal use only.</b> These types may change in any release; applications use the
 * {@code org.vaadin.addons.livesync} package.
 */
package org.vaadin.addons.livesync.internal.watch;
