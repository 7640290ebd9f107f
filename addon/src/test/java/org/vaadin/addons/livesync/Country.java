package org.vaadin.addons.livesync;

import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Reference data without a tenant: every view of every user may see every country. */
@Entity
@Table(name = "country", schema = "live_view_test")
@Watched(global = true)
public class Country {

    /** The table of countries, beside the items. */
    static final LiveTestEnvironment.Tables TABLES = new LiveTestEnvironment.Tables(List.of(
            "CREATE TABLE live_view_test.country (id bigserial PRIMARY KEY, code text NOT NULL, name text NOT NULL)"),
            List.of("country"), List.of(Country.class));

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String code;
    private String name;

    public Long getId() {
        return id;
    }

    public String getCode() {
        return code;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return "Country[" + id + ", " + code + ", " + name + "]";
    }
}
