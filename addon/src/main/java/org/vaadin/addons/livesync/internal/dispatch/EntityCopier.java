package org.vaadin.addons.livesync.internal.dispatch;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.hibernate.bytecode.enhance.spi.LazyPropertyInitializer;
import org.hibernate.collection.spi.AbstractPersistentCollection;
import org.hibernate.collection.spi.PersistentBag;
import org.hibernate.collection.spi.PersistentCollection;
import org.hibernate.collection.spi.PersistentMap;
import org.hibernate.collection.spi.PersistentSet;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.proxy.HibernateProxy;
import org.hibernate.proxy.LazyInitializer;
import org.hibernate.type.CollectionType;
import org.hibernate.type.CompositeType;
import org.hibernate.type.Type;

/**
 * Copies a loaded entity together with the graph it reaches, so that the copy shares no mutable
 * object with what was loaded, nor with any other copy: what one view (session) does to its entity
 * can never show in another.
 * <p>
 * What the load initialized is copied: attribute values through Hibernate's deep copy, associated
 * entities recursively (an initialized proxy becomes a copy of its target), collections as new
 * collections of the mapping's Java type (e.g. {@code ArrayList} for a bag, {@code HashSet} for a
 * set) holding copies, embeddables as new instances. What it did not initialize becomes a new,
 * uninitialized placeholder that behaves like the same association of a detached entity: a lazy
 * to-one is a proxy without a session (its id readable, anything else throws
 * {@link org.hibernate.LazyInitializationException}), a lazy collection is an uninitialized
 * persistent collection without a session (any access throws). A placeholder never loads, even
 * with {@code hibernate.enable_lazy_load_no_trans}: a copy does no database work. Merging a copy
 * keeps an uninitialized association as it is in the database.
 * <p>
 * Within one {@link #copy} call each loaded object is copied once, so shared references and cycles
 * (a part's children pointing back at it) stay shared and cyclic in the copy; two calls share
 * nothing. Collections are filled after every entity they hold is complete, so a set of entities
 * whose {@code hashCode} reads their attributes is built correctly.
 * <p>
 * Thread-safe: stateless apart from the session factory; a call reads a graph that no other
 * thread changes meanwhile.
 */
final class EntityCopier {

    private final SessionFactoryImplementor factory;

    EntityCopier(SessionFactoryImplementor factory) {
        this.factory = factory;
    }

    /** A copy of {@code entity} (an entity instance or a proxy) and of everything it reaches. */
    <T> T copy(T entity) {
        GraphCopy copy = new GraphCopy();
        @SuppressWarnings("unchecked")
        T result = (T) copy.entity(entity);
        copy.fillCollections();
        return result;
    }

    /** One copy: what was copied so far, by identity, and the collections still to fill. */
    private final class GraphCopy {

        private final Map<Object, Object> copies = new IdentityHashMap<>();
        private final Deque<Runnable> pendingFills = new ArrayDeque<>();

        Object entity(Object source) {
            if (source == null) {
                return null;
            }
            Object done = copies.get(source);
            if (done != null) {
                return done;
            }
            LazyInitializer lazy = HibernateProxy.extractLazyInitializer(source);
            if (lazy != null) {
                Object copy = lazy.isUninitialized() ? uninitializedProxy(lazy) : entity(lazy.getImplementation());
                copies.put(source, copy);
                return copy;
            }
            EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(source.getClass());
            Object copy = persister.getRepresentationStrategy().getInstantiator().instantiate();
            copies.put(source, copy);
            Object id = persister.getIdentifier(source, (SharedSessionContractImplementor) null);
            persister.setIdentifier(copy, value(persister.getIdentifierType(), id), null);
            Object[] values = persister.getValues(source);
            Type[] types = persister.getPropertyTypes();
            for (int i = 0; i < values.length; i++) {
                values[i] = value(types[i], values[i]);
            }
            persister.setValues(copy, values);
            return copy;
        }

        void fillCollections() {
            for (Runnable fill = pendingFills.poll(); fill != null; fill = pendingFills.poll()) {
                fill.run();
            }
        }

        private Object value(Type type, Object value) {
            if (value == null || value == LazyPropertyInitializer.UNFETCHED_PROPERTY) {
                return value;
            }
            if (type.isEntityType() || type.isAnyType()) {
                return entity(value);
            }
            if (type.isCollectionType()) {
                return collection((CollectionType) type, value);
            }
            if (type instanceof CompositeType composite && reachesAssociations(composite)) {
                return embeddable(composite, value);
            }
            return type.deepCopy(value, factory);
        }

        private Object uninitializedProxy(LazyInitializer lazy) {
            EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(lazy.getEntityName());
            return persister.createProxy(value(persister.getIdentifierType(), lazy.getInternalIdentifier()), null);
        }

        /** An embeddable that holds associations or collections: Hibernate's deep copy would share them. */
        private Object embeddable(CompositeType type, Object source) {
            Object done = copies.get(source);
            if (done != null) {
                return done;
            }
            Object[] values = type.getPropertyValues(source);
            Type[] types = type.getSubtypes();
            for (int i = 0; i < types.length; i++) {
                values[i] = value(types[i], values[i]);
            }
            Object copy = type.replacePropertyValues(type.deepCopy(source, factory), values, null);
            copies.put(source, copy);
            return copy;
        }

        private Object collection(CollectionType type, Object source) {
            Object done = copies.get(source);
            if (done != null) {
                return done;
            }
            if (source instanceof PersistentCollection<?> persistent && !persistent.wasInitialized()) {
                Object placeholder = uninitializedCollection(persistent);
                copies.put(source, placeholder);
                return placeholder;
            }
            CollectionPersister persister = factory.getMappingMetamodel().getCollectionDescriptor(type.getRole());
            Type elements = persister.getElementType();
            Object copy;
            Runnable fill;
            if (type.isArrayType()) {
                Object array = Array.newInstance(source.getClass().getComponentType(), Array.getLength(source));
                fill = () -> {
                    for (int i = 0; i < Array.getLength(source); i++) {
                        Array.set(array, i, value(elements, Array.get(source, i)));
                    }
                };
                copy = array;
            } else if (source instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> target = (Map<Object, Object>) type.instantiate(map.size());
                Type keys = persister.getIndexType();
                fill = () -> map.forEach((key, element) -> target.put(value(keys, key), value(elements, element)));
                copy = target;
            } else if (source instanceof Collection<?> collection) {
                @SuppressWarnings("unchecked")
                Collection<Object> target = (Collection<Object>) type.instantiate(collection.size());
                fill = () -> collection.forEach(element -> target.add(value(elements, element)));
                copy = target;
            } else {
                throw new IllegalStateException("Cannot copy " + type.getRole() + ": a " + source.getClass().getName()
                        + " is neither an array, a java.util.Collection nor a java.util.Map");
            }
            copies.put(source, copy);
            pendingFills.add(fill);
            return copy;
        }
    }

    /** An uninitialized collection without a session, of the same kind as {@code source}. */
    private static Object uninitializedCollection(PersistentCollection<?> source) {
        AbstractPersistentCollection<?> placeholder;
        try {
            placeholder = (AbstractPersistentCollection<?>) source.getClass().getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            // a wrapper of a custom collection type without a no-arg constructor: the same Java interface
            placeholder = source instanceof Map<?, ?> ? new PersistentMap<>()
                    : source instanceof Set<?> ? new PersistentSet<>() : new PersistentBag<>();
        }
        placeholder.setSnapshot(source.getKey(), source.getRole(), null);
        return placeholder;
    }

    /** Whether values of this embeddable type may hold entities or collections (which deep copy shares). */
    private static boolean reachesAssociations(CompositeType type) {
        for (Type subtype : type.getSubtypes()) {
            if (subtype.isAssociationType()
                    || subtype instanceof CompositeType composite && reachesAssociations(composite)) {
                return true;
            }
        }
        return false;
    }
}
