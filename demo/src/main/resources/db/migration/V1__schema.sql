-- The demo's contract: outside writers insert, update (organization_id too), delete and truncate
-- task rows with plain SQL at any time.
CREATE TABLE organization (
    id   bigint PRIMARY KEY,
    name text
);

CREATE TABLE task (
    id              bigserial PRIMARY KEY,
    organization_id bigint      NOT NULL REFERENCES organization,
    title           text        NOT NULL,
    status          text        NOT NULL DEFAULT 'open',
    assignee        text,
    notes           text,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX task_organization_id ON task (organization_id);

INSERT INTO organization (id, name) VALUES (1, 'Acme'), (2, 'Globex');
