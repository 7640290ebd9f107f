package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.WatchConfigurationException;
import org.vaadin.addons.livesync.Watched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.CollectionKey;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.CompositeLine;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.FormulaKey;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.InverseKey;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Owned;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.SubselectWithoutTable;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.UnknownId;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.UnknownKey;

/** Declarations that cannot work fail while the registry is built, saying what to change. */
class DeclarationErrorsTest {

    @Test
    void unknownSubscriptionKeyNamesTheEntityAndTheAttributeAndListsTheAttributes() {
        String message = failureOf(UnknownKey.class);

        assertThat(message).contains(UnknownKey.class.getName(), "@Watched(subscriptionKey = \"tenant\")",
                "names no attribute of the entity", "[id, organizationId, title]");
    }

    @Test
    void unknownIdAttributeNamesTheEntityAndTheAttribute() {
        String message = failureOf(UnknownId.class);

        assertThat(message).contains(UnknownId.class.getName(), "@Watched(id = \"uuid\")", "names no attribute",
                "organizationId");
    }

    @Test
    void collectionIsRejectedAsSubscriptionKey() {
        assertThat(failureOf(CollectionKey.class)).contains(CollectionKey.class.getName(), "\"tags\"",
                "names a collection", "use a basic attribute or a to-one association");
    }

    @Test
    void subselectEntityWithoutTableIsRejected() {
        assertThat(failureOf(SubselectWithoutTable.class)).contains(SubselectWithoutTable.class.getName(),
                "@Subselect", "set @Watched(table = \"<base table>\")");
    }

    @Test
    void compositeIdIsRejected() {
        assertThat(failureOf(CompositeLine.class)).contains(CompositeLine.class.getName(), "composite id",
                "@Watched(id = \"<attribute>\")");
    }

    @Test
    void formulaIsRejectedAsSubscriptionKey() {
        assertThat(failureOf(FormulaKey.class)).contains(FormulaKey.class.getName(), "\"size\"", "@Formula");
    }

    @Test
    void inverseSideOfAnAssociationIsRejectedAsSubscriptionKey() {
        assertThat(failureOf(InverseKey.class, Owned.class)).contains(InverseKey.class.getName(), "\"profile\"",
                "inverse (mappedBy) side");
    }

    static String failureOf(Class<?>... entities) {
        try (SessionFactory sessionFactory = HibernateFactories.offline(entities)) {
            WatchConfigurationException failure = catchThrowableOfType(WatchConfigurationException.class,
                    () -> WatchRegistry.of(sessionFactory));
            assertThat(failure).as("registry of " + entities[0].getSimpleName()).isNotNull();
            return failure.getMessage();
        }
    }
}
