"""The access log is append-only in the database on PostgreSQL: a trigger refuses DELETE, and UPDATE of
anything but the reason (erasure scrubs identifiers out of a reason; who, whose, what and when stay).
SQLite has no such guard: the model refuses delete (donors/models.py) and nothing else writes there."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION donors_reveallog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'donors_reveallog is append-only: rows are never deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.user_id, NEW.donor_id, NEW.subject, NEW.subject_id, NEW.field, NEW.at)
        IS DISTINCT FROM (OLD.id, OLD.user_id, OLD.donor_id, OLD.subject, OLD.subject_id, OLD.field, OLD.at) THEN
        RAISE EXCEPTION 'donors_reveallog is append-only: only the reason may be scrubbed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS donors_reveallog_append_only ON donors_reveallog;
CREATE TRIGGER donors_reveallog_append_only
    BEFORE UPDATE OR DELETE ON donors_reveallog
    FOR EACH ROW EXECUTE FUNCTION donors_reveallog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS donors_reveallog_append_only ON donors_reveallog;
DROP FUNCTION IF EXISTS donors_reveallog_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("donors", "0012_reveallog_subject_reveallog_subject_id_and_more")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
