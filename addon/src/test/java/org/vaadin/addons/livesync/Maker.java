package org.vaadin.addons.livesync;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Who makes or supplies a {@link Part}; not watched. */
@Entity
@Table(name = "maker", schema = "live_view_test")
public class Maker {

    @Id
    private Long id;
    private String name;

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
