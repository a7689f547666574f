-- revision: 58b6bd99c8a7
-- down_revision: b03190966116
-- message: create memberships between users and organizations
-- created: 2024-03-18T13:05:00Z

-- migrate:up
CREATE TABLE memberships (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_code       text NOT NULL DEFAULT 'member'
                    REFERENCES roles (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    invited_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memberships_org_user_key UNIQUE (organization_id, user_id)
);

CREATE INDEX ix_memberships_user_id ON memberships (user_id);

-- migrate:down
DROP TABLE memberships;
