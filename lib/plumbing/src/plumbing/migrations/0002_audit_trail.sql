-- Who did what to whom, when: every privileged action, in the database of the service that performed it, in the
-- same transaction as the action. Append-only: no role the service connects as can change or remove a row.
CREATE TABLE audit_trail (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    actor_role     text NOT NULL,
    action         text NOT NULL,
    subject_kind   text NOT NULL,
    subject_id     text,
    chapter_id     uuid,
    detail         jsonb NOT NULL DEFAULT '{}'::jsonb,
    correlation_id text
);
CREATE INDEX audit_trail_by_chapter ON audit_trail (chapter_id, id);

CREATE FUNCTION audit_trail_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END $$;

CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON audit_trail
    FOR EACH ROW EXECUTE FUNCTION audit_trail_is_append_only();
CREATE TRIGGER audit_trail_never_truncated BEFORE TRUNCATE ON audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_is_append_only();
