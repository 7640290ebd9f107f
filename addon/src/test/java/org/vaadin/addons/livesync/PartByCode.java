package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** A {@link Part} row watched by a code that is not its primary key (loaded with a query, not a multi-get). */
@Entity
@Table(name = "part", schema = "live_view_test")
@Watched(subscriptionKey = "tenant", id = "code", fetch = "maker")
public class PartByCode {

    @Id
    private Long id;
    private String code;
    private Long tenant;
    @ManyToOne(fetch = FetchType.LAZY)
    private Maker maker;

    public String getCode() {
        return code;
    }

    public Maker getMaker() {
        return maker;
    }
}
