package org.vaadin.addons.livesync;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant's row identified by a natural key that the application assigns (a SKU), for the form tests. */
@Entity
@Table(name = "sku_item", schema = "live_view_test")
@Watched(subscriptionKey = "tenant")
public class SkuItem {

    /** Its table's DDL. */
    static final String TABLE = "CREATE TABLE live_view_test.sku_item (sku text PRIMARY KEY, tenant bigint NOT NULL, "
            + "title text NOT NULL)";

    @Id
    private String sku;
    private Long tenant;
    private String title;

    public String getSku() {
        return sku;
    }

    public void setSku(String sku) {
        this.sku = sku;
    }

    public Long getTenant() {
        return tenant;
    }

    public void setTenant(Long tenant) {
        this.tenant = tenant;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    @Override
    public String toString() {
        return "SkuItem[" + sku + ", tenant " + tenant + ", " + title + "]";
    }
}
