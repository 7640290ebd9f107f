package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.Watched;

import java.util.Set;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.Subselect;
import org.hibernate.annotations.Synchronize;

/** The entities the watch tests map; each test's session factory picks the ones it needs. */
final class WatchTestEntities {

    private WatchTestEntities() {
    }

    /** Not watched: the tenant. */
    @Entity(name = "Organization")
    static class Organization {
        @Id
        Long id;
        String name;

        Organization() {
        }

        Organization(Long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** Watched by a basic key, with the default id. */
    @Entity(name = "Task")
    @Watched(subscriptionKey = "organizationId")
    static class Task {
        @Id
        Long id;
        Long organizationId;
        String title;

        Task() {
        }

        Task(Long id, Long organizationId, String title) {
            this.id = id;
            this.organizationId = organizationId;
            this.title = title;
        }
    }

    /** Watched by a to-one key. */
    @Entity(name = "Note")
    @Watched(subscriptionKey = "organization")
    static class Note {
        @Id
        Long id;
        @ManyToOne(fetch = FetchType.LAZY)
        Organization organization;
        String text;

        Note() {
        }

        Note(Long id, Organization organization, String text) {
            this.id = id;
            this.organization = organization;
            this.text = text;
        }
    }

    /** Watched with an explicit id attribute that is not the {@code @Id}. */
    @Entity(name = "Badge")
    @Watched(subscriptionKey = "organizationId", id = "code")
    static class Badge {
        @Id
        Long id;
        String code;
        Long organizationId;

        Badge() {
        }

        Badge(Long id, String code, Long organizationId) {
            this.id = id;
            this.code = code;
            this.organizationId = organizationId;
        }
    }

    /** Like {@link Badge}, for a table whose replica identity a test changes. */
    @Entity(name = "Gadget")
    @Watched(subscriptionKey = "organizationId", id = "code")
    static class Gadget {
        @Id
        Long id;
        String code;
        Long organizationId;
    }

    /** Maps the view {@code visible_tasks} over {@code task}, and says so. */
    @Entity(name = "VisibleTask")
    @Immutable
    @Table(name = "visible_tasks")
    @Watched(subscriptionKey = "organizationId", table = "task")
    static class VisibleTask {
        @Id
        Long id;
        Long organizationId;
        String title;
    }

    /** Maps the view {@code open_tasks} over {@code task} without saying so. */
    @Entity(name = "OpenTask")
    @Immutable
    @Table(name = "open_tasks")
    @Watched(subscriptionKey = "organizationId")
    static class OpenTask {
        @Id
        Long id;
        Long organizationId;
    }

    /** A {@code @Subselect} entity that names its base table. */
    @Entity(name = "TaskSummary")
    @Immutable
    @Subselect("select id, organization_id from task")
    @Synchronize("task")
    @Watched(subscriptionKey = "organizationId", table = "task")
    static class TaskSummary {
        @Id
        Long id;
        Long organizationId;
    }

    /** Camel-case names, to tell naming strategies apart. */
    @Entity(name = "ProjectMember")
    @Watched(subscriptionKey = "teamId")
    static class ProjectMember {
        @Id
        Long memberId;
        Long teamId;
    }

    /** Quoted names keep their case. */
    @Entity(name = "QuotedThing")
    @Table(name = "\"Quoted Things\"")
    @Watched(subscriptionKey = "tenant")
    static class QuotedThing {
        @Id
        @Column(name = "\"ThingId\"")
        Long id;
        @Column(name = "\"TenantId\"")
        Long tenant;
    }

    /** A tenant id type stored as {@code bigint} through a converter. */
    record TenantId(long value) {
    }

    static class TenantIdConverter implements AttributeConverter<TenantId, Long> {
        @Override
        public Long convertToDatabaseColumn(TenantId attribute) {
            return attribute == null ? null : attribute.value();
        }

        @Override
        public TenantId convertToEntityAttribute(Long column) {
            return column == null ? null : new TenantId(column);
        }
    }

    /** Keyed by a converted attribute. */
    @Entity(name = "TenantTask")
    @Table(name = "tenant_task")
    @Watched(subscriptionKey = "tenant")
    static class TenantTask {
        @Id
        Long id;
        @Column(name = "organization_id")
        @Convert(converter = TenantIdConverter.class)
        TenantId tenant;
    }

    // ---- declarations that cannot work ----

    @Entity(name = "UnknownKey")
    @Watched(subscriptionKey = "tenant")
    static class UnknownKey {
        @Id
        Long id;
        Long organizationId;
        String title;
    }

    @Entity(name = "UnknownId")
    @Watched(subscriptionKey = "organizationId", id = "uuid")
    static class UnknownId {
        @Id
        Long id;
        Long organizationId;
    }

    @Entity(name = "CollectionKey")
    @Watched(subscriptionKey = "tags")
    static class CollectionKey {
        @Id
        Long id;
        @ElementCollection
        Set<String> tags;
    }

    @Entity(name = "SubselectWithoutTable")
    @Immutable
    @Subselect("select id, organization_id from task")
    @Watched(subscriptionKey = "organizationId")
    static class SubselectWithoutTable {
        @Id
        Long id;
        Long organizationId;
    }

    @Embeddable
    record LineKey(Long orderId, Integer line) {
    }

    @Entity(name = "CompositeLine")
    @Watched(subscriptionKey = "organizationId")
    static class CompositeLine {
        @EmbeddedId
        LineKey key;
        Long organizationId;
    }

    @Entity(name = "FormulaKey")
    @Watched(subscriptionKey = "size")
    static class FormulaKey {
        @Id
        Long id;
        @Formula("id * 2")
        Long size;
    }

    @Entity(name = "InverseKey")
    @Watched(subscriptionKey = "profile")
    static class InverseKey {
        @Id
        Long id;
        @OneToOne(mappedBy = "owner")
        Owned profile;
    }

    @Entity(name = "Owned")
    static class Owned {
        @Id
        Long id;
        @OneToOne
        InverseKey owner;
    }
}
