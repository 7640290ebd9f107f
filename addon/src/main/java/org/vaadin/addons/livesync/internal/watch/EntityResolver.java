package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.WatchConfigurationException;
import org.vaadin.addons.livesync.Watched;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.persistence.PersistenceUnitUtil;

import org.hibernate.Hibernate;
import org.hibernate.annotations.Subselect;
import org.hibernate.engine.FetchStyle;
import org.hibernate.engine.FetchTiming;
import org.hibernate.metamodel.CollectionClassification;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.BasicEntityIdentifierMapping;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.metamodel.mapping.EntityAssociationMapping;
import org.hibernate.metamodel.mapping.EntityIdentifierMapping;
import org.hibernate.metamodel.mapping.ForeignKeyDescriptor;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.metamodel.mapping.PluralAttributeMapping;
import org.hibernate.metamodel.mapping.TableDetails;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Turns one entity's {@link Watched} declaration into a {@link WatchedEntity} through Hibernate's
 * mapping model, so that the physical naming strategy, {@code @Table}, {@code @Column} and
 * {@code @JoinColumn} are all honoured. Stateless apart from its inputs; used once per entity while
 * a {@link WatchRegistry} is built.
 */
final class EntityResolver {

    private final PersistenceUnitUtil persistenceUnitUtil;
    private final String defaultSchema;

    /**
     * @param persistenceUnitUtil reads ids without initializing proxies
     * @param defaultSchema       the schema of tables whose mapping names none
     */
    EntityResolver(PersistenceUnitUtil persistenceUnitUtil, String defaultSchema) {
        this.persistenceUnitUtil = persistenceUnitUtil;
        this.defaultSchema = defaultSchema;
    }

    /**
     * Resolves the declaration of {@code persister}'s entity.
     *
     * @throws WatchConfigurationException if the declaration does not fit the mapping
     */
    <T> WatchedEntity<T> resolve(EntityPersister persister, Class<T> type, Watched watched) {
        requireOneRouting(persister, watched);
        if (watched.global()) {
            return resolveGlobal(persister, type, watched);
        }
        Attribute key = attribute(persister, watched.subscriptionKey(), "subscriptionKey");
        Map<String, TableDetails> tables = tablesOf(persister);
        TableDetails keyTable = tables.get(key.tableExpression());
        if (keyTable == null) {
            throw fail(persister, "subscriptionKey", key.name(), "names an attribute stored in " + key.tableExpression()
                    + ", not in a table of the entity (a join table?); use an attribute whose column is in the entity's"
                    + " table");
        }
        Attribute id = watched.id().isEmpty() || watched.id().equals(identifierName(persister))
                ? identifier(persister, keyTable)
                : attribute(persister, watched.id(), "id");
        if (!id.tableExpression().equals(key.tableExpression())) {
            throw fail(persister, "id", id.name(), "names an attribute stored in " + id.tableExpression()
                    + " while the subscription key " + key.name() + " is in " + key.tableExpression()
                    + "; both must be columns of one table");
        }
        TableName table = table(persister, watched, key.tableExpression());
        return new WatchedEntity<>(type, persister.getJpaEntityName(), table, !watched.table().isEmpty(),
                id.name(), id.column(), id.reader(), key.name(), key.column(), key.reader(), fetch(persister, watched));
    }

    /** A global entity: watched on the table of its id, with no key column. */
    private <T> WatchedEntity<T> resolveGlobal(EntityPersister persister, Class<T> type, Watched watched) {
        Attribute id = watched.id().isEmpty() || watched.id().equals(identifierName(persister))
                ? identifier(persister, persister.getIdentifierTableDetails())
                : attribute(persister, watched.id(), "id");
        TableName table = table(persister, watched, id.tableExpression());
        return new WatchedEntity<>(type, persister.getJpaEntityName(), table, !watched.table().isEmpty(),
                id.name(), id.column(), id.reader(), null, null, null, fetch(persister, watched));
    }

    /**
     * Exactly one of {@link Watched#subscriptionKey()} and {@link Watched#global()}: an entity is
     * visible to every user only when its declaration says so.
     */
    private static void requireOneRouting(EntityPersister persister, Watched watched) {
        String entity = "Entity " + persister.getMappedClass().getName();
        if (watched.global() && !watched.subscriptionKey().isEmpty()) {
            throw new WatchConfigurationException(entity + ": @Watched(subscriptionKey = \"" + watched.subscriptionKey()
                    + "\", global = true) gives both; give one of them: the subscription key if each row belongs to"
                    + " one tenant, global = true only if every view of every user may see every row");
        }
        if (!watched.global() && watched.subscriptionKey().isEmpty()) {
            throw new WatchConfigurationException(entity + ": @Watched does not say how its rows reach views. Write"
                    + " @Watched(subscriptionKey = \"<attribute>\") naming the attribute that holds the row's tenant"
                    + " (e.g. organizationId), whose value must equal a view's subscription value; or, only for"
                    + " reference data that every view of every user may see, @Watched(global = true)");
        }
    }

    /**
     * The associations {@link Watched#fetch()} names, checked: each a to-one association or a
     * collection of the entity itself, and at most one bag among them and the entity's join-fetched
     * EAGER collections (Hibernate cannot load two bags in one query).
     */
    private static List<String> fetch(EntityPersister persister, Watched watched) {
        Set<String> names = new LinkedHashSet<>(Arrays.asList(watched.fetch()));
        for (String name : names) {
            if (name.equals(identifierName(persister))) {
                throw fail(persister, "fetch", name, "names the id, which is always loaded; fetch lists associations: "
                        + associationNames(persister));
            }
            AttributeMapping attribute = persister.findAttributeMapping(name);
            if (attribute == null) {
                throw fail(persister, "fetch", name, (name.contains(".")
                        ? "is a path; fetch lists associations of the entity itself (load deeper ones in sync())"
                        : "names no attribute of the entity") + "; its associations are " + associationNames(persister));
            }
            if (!isAssociation(attribute)) {
                throw fail(persister, "fetch", name, "names an attribute that is always loaded with the row, not an"
                        + " association; fetch lists to-one associations and collections: " + associationNames(persister));
            }
        }
        List<String> bags = new ArrayList<>();
        persister.forEachAttributeMapping(attribute -> {
            if (attribute instanceof PluralAttributeMapping plural
                    && plural.getCollectionDescriptor().getCollectionSemantics().getCollectionClassification()
                            == CollectionClassification.BAG
                    && (names.contains(attribute.getAttributeName()) || isJoinFetched(attribute))) {
                bags.add(attribute.getAttributeName());
            }
        });
        if (bags.size() > 1) {
            throw new WatchConfigurationException("Entity " + persister.getMappedClass().getName() + ": @Watched(fetch = "
                    + names.stream().map(n -> "\"" + n + "\"").toList() + ") would load the bags " + bags + " (a List or"
                    + " Collection without @OrderColumn) in one query, which Hibernate cannot do; list one of them only,"
                    + " or map the others as a Set or with an @OrderColumn");
        }
        return List.copyOf(names);
    }

    private static boolean isAssociation(AttributeMapping attribute) {
        return attribute instanceof PluralAttributeMapping || attribute instanceof EntityAssociationMapping;
    }

    private static boolean isJoinFetched(AttributeMapping attribute) {
        return attribute.getMappedFetchOptions().getTiming() == FetchTiming.IMMEDIATE
                && attribute.getMappedFetchOptions().getStyle() == FetchStyle.JOIN;
    }

    private static List<String> associationNames(EntityPersister persister) {
        List<String> names = new ArrayList<>();
        persister.forEachAttributeMapping(attribute -> {
            if (isAssociation(attribute)) {
                names.add(attribute.getAttributeName());
            }
        });
        return names;
    }

    private TableName table(EntityPersister persister, Watched watched, String tableExpression) {
        if (!watched.table().isEmpty()) {
            try {
                return TableName.parse(watched.table(), defaultSchema);
            } catch (IllegalArgumentException e) {
                throw new WatchConfigurationException("Entity " + persister.getMappedClass().getName()
                        + ": @Watched(table = \"" + watched.table() + "\") is not a table name; write it as in SQL,"
                        + " e.g. \"task\" or \"app.task\"", e);
            }
        }
        if (persister.getMappedClass().isAnnotationPresent(Subselect.class) || tableExpression.startsWith("(")) {
            throw new WatchConfigurationException("Entity " + persister.getMappedClass().getName()
                    + " maps a @Subselect, which has no table of its own; set @Watched(table = \"<base table>\") to"
                    + " the table whose changes it follows");
        }
        return TableName.parse(tableExpression, defaultSchema);
    }

    /** The entity's {@code @Id}, read from the column that holds it in {@code table}. */
    private Attribute identifier(EntityPersister persister, TableDetails table) {
        EntityIdentifierMapping idMapping = persister.getIdentifierMapping();
        if (!(idMapping instanceof BasicEntityIdentifierMapping basicId)
                || table.getKeyDetails().getColumnCount() != 1) {
            throw new WatchConfigurationException("Entity " + persister.getMappedClass().getName()
                    + " has a composite id (attribute \"" + idMapping.getAttributeName() + "\"); LiveSync needs a"
                    + " single-column id. Set @Watched(id = \"<attribute>\") to a basic attribute that identifies"
                    + " the row");
        }
        String column = table.getKeyDetails().getKeyColumn(0).getColumnName();
        return new Attribute(basicId.getAttributeName(), table.getTableName(),
                column(basicId.getJdbcMapping(), column), persistenceUnitUtil::getIdentifier);
    }

    /** A named attribute; {@code role} is {@code "subscriptionKey"} or {@code "id"}. */
    private Attribute attribute(EntityPersister persister, String name, String role) {
        boolean key = "subscriptionKey".equals(role);
        if (name.equals(identifierName(persister))) {
            return identifier(persister, persister.getIdentifierTableDetails());
        }
        AttributeMapping attribute = persister.findAttributeMapping(name);
        if (attribute == null) {
            throw fail(persister, role, name, "names no attribute of the entity; its attributes are "
                    + attributeNames(persister));
        }
        if (attribute.isPluralAttributeMapping()) {
            throw fail(persister, role, name, "names a collection; use a basic attribute"
                    + (key ? " or a to-one association" : ""));
        }
        if (attribute instanceof EntityAssociationMapping association) {
            if (!key) {
                throw fail(persister, role, name, "names an association; the id must be a basic attribute");
            }
            return association(persister, role, attribute, association);
        }
        if (attribute instanceof BasicValuedModelPart basic) {
            if (basic.isFormula()) {
                throw fail(persister, role, name, "names a @Formula, not a column; use an attribute mapped to a column");
            }
            return new Attribute(name, basic.getContainingTableExpression(),
                    column(basic.getJdbcMapping(), basic.getSelectionExpression()), valueOf(attribute));
        }
        throw fail(persister, role, name, "names neither a basic attribute nor a to-one association (an embeddable?);"
                + " use a basic attribute" + (key ? " or a to-one association" : ""));
    }

    private Attribute association(EntityPersister persister, String role, AttributeMapping attribute,
                                  EntityAssociationMapping association) {
        String name = attribute.getAttributeName();
        if (association.getSideNature() != ForeignKeyDescriptor.Nature.KEY) {
            throw fail(persister, role, name, "names the inverse (mappedBy) side of an association, whose foreign key"
                    + " is in the other table; use the owning side or a basic attribute");
        }
        if (!association.isReferenceToPrimaryKey()) {
            throw fail(persister, role, name, "names an association that references a column other than "
                    + association.getAssociatedEntityMappingType().getEntityName()
                    + "'s id; map the foreign key column as a basic attribute and name that one");
        }
        if (!(association.getForeignKeyDescriptor().getKeyPart() instanceof BasicValuedModelPart keyPart)) {
            throw fail(persister, role, name, "names an association with a composite foreign key; LiveSync needs a"
                    + " single-column key");
        }
        Function<Object, Object> value = valueOf(attribute);
        PersistenceUnitUtil util = persistenceUnitUtil;
        return new Attribute(name, keyPart.getContainingTableExpression(),
                column(keyPart.getJdbcMapping(), keyPart.getSelectionExpression()), entity -> {
                    Object target = value.apply(entity);
                    return target == null ? null : util.getIdentifier(target);
                });
    }

    private static Function<Object, Object> valueOf(AttributeMapping attribute) {
        return entity -> attribute.getValue(Hibernate.unproxy(entity));
    }

    private static WatchedColumn column(JdbcMapping mapping, String selectionExpression) {
        return new WatchedColumn(TableName.identifier(selectionExpression),
                WatchedColumn.boxed(mapping.getJavaTypeDescriptor().getJavaTypeClass()), mapping.getValueConverter());
    }

    private static Map<String, TableDetails> tablesOf(EntityPersister persister) {
        Map<String, TableDetails> tables = new LinkedHashMap<>();
        persister.forEachTableDetails(details -> tables.putIfAbsent(details.getTableName(), details));
        tables.putIfAbsent(persister.getIdentifierTableDetails().getTableName(), persister.getIdentifierTableDetails());
        return tables;
    }

    private static String identifierName(EntityPersister persister) {
        return persister.getIdentifierMapping().getAttributeName();
    }

    private static List<String> attributeNames(EntityPersister persister) {
        List<String> names = new ArrayList<>();
        names.add(identifierName(persister));
        persister.forEachAttributeMapping(attribute -> names.add(attribute.getAttributeName()));
        return names;
    }

    private static WatchConfigurationException fail(EntityPersister persister, String role, String attribute,
                                                    String problem) {
        return new WatchConfigurationException("Entity " + persister.getMappedClass().getName() + ": @Watched("
                + role + " = \"" + attribute + "\") " + problem);
    }

    /** A resolved attribute: where its column is and how to read it from an entity instance. */
    private record Attribute(String name, String tableExpression, WatchedColumn column,
                             Function<Object, Object> reader) {
    }
}
