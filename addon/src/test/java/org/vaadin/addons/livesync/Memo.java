package org.vaadin.addons.livesync;

import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A note whose subscription key is text: a key big enough is stored out of line (TOAST). */
@Entity
@Table(name = "memo", schema = "live_view_test")
@Watched(subscriptionKey = "owner")
public class Memo {

    /** The table of memos, beside the items (REPLICA IDENTITY DEFAULT: an update carries no old key). */
    static final LiveTestEnvironment.Tables TABLES = new LiveTestEnvironment.Tables(List.of(
            "CREATE TABLE live_view_test.memo (id bigserial PRIMARY KEY, owner text NOT NULL, body text)"),
            List.of("memo"), List.of(Memo.class));

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String owner;
    private String body;

    public Long getId() {
        return id;
    }

    public String getOwner() {
        return owner;
    }

    public String getBody() {
        return body;
    }
}
