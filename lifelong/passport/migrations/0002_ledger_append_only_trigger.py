"""Refuse changes to ledger entries in the database itself, as for audit events: PostgreSQL
refuses UPDATE and DELETE; SQLite refuses UPDATE only (Django's test runner empties tables with
DELETE between transactional tests). The ORM refuses both everywhere."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION passport_learningrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'learning records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER passport_learningrecord_append_only
    BEFORE UPDATE OR DELETE ON passport_learningrecord
    FOR EACH ROW EXECUTE FUNCTION passport_learningrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS passport_learningrecord_append_only ON passport_learningrecord;
DROP FUNCTION IF EXISTS passport_learningrecord_append_only();
"""
SQLITE_CREATE = (
    "CREATE TRIGGER passport_learningrecord_no_update BEFORE UPDATE ON passport_learningrecord "
    "BEGIN SELECT RAISE(ABORT, 'learning records are append-only'); END;"
)
SQLITE_DROP = "DROP TRIGGER IF EXISTS passport_learningrecord_no_update;"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("passport", "0001_create_ledger_and_certificates")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
