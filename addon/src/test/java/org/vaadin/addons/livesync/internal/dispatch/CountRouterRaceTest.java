package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.Item;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.ReplicaIdentity;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchRegistry;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * A lazy view that starts counting while the last counting view of its type goes away keeps its
 * live count: the registry of counting subscriptions never loses an add to a set that a concurrent
 * remove took out of the map.
 */
@Timeout(300)
class CountRouterRaceTest {

    /** Subscriptions added (and checked) while another thread adds and removes the type's last one. */
    private static final int ROUNDS = 400_000; // before the fix: 40 of 1,000,000 lost, the first in round 6,634

    private static SessionFactory sessionFactory;
    private static WatchedEntity<Item> item;

    @BeforeAll
    static void mapping() {
        sessionFactory = new Configuration().addAnnotatedClass(Item.class)
                .setProperty("jakarta.persistence.database-product-name", "PostgreSQL")
                .setProperty("jakarta.persistence.database-major-version", "15")
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .buildSessionFactory();
        item = WatchRegistry.of(sessionFactory).find(Item.class).orElseThrow();
    }

    @AfterAll
    static void close() {
        sessionFactory.close();
    }

    @Test
    void aSubscriptionAddedWhileTheLastOfItsTypeIsRemovedKeepsCounting() throws Exception {
        CountRouter router = new CountRouter(entity -> true);
        EntityChange truncate = new EntityChange(item, ChangeKind.TRUNCATE, null, null, null, false, null, false,
                RowChange.truncate(new Relation(1, "live_view_test", "item", ReplicaIdentity.DEFAULT, List.of())));
        AtomicBoolean stop = new AtomicBoolean();
        // Another view of the type comes and goes, over and over: each time it goes it is the last one.
        Thread churn = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Subscription<?> other = new Subscription<>(null, null, item, 2L, null, "coming and going", true);
                router.add(other);
                router.remove(other);
            }
        });
        int lost = 0;
        int firstLost = -1;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Subscription<?> added = new Subscription<>(null, null, item, 1L, null, "added " + round, true);
                router.add(added);
                Plan plan = new Plan(10, null);
                router.route(truncate, plan, (type, value) -> List.of());
                if (!plan.countsUnknown().contains(added)) { // a truncate tells every counting subscription
                    lost++;
                    firstLost = firstLost < 0 ? round : firstLost;
                }
                router.remove(added);
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        assertThat(lost).as("subscriptions that no longer counted right after they were added (first in round %d of %d)",
                firstLost, ROUNDS).isZero();
    }
}
