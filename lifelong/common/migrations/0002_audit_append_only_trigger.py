"""Refuse changes to audit events in the database itself.

PostgreSQL (production) refuses UPDATE and DELETE. SQLite (demo, development) refuses UPDATE
only: Django's test runner empties tables with DELETE between transactional tests, and on
SQLite nothing distinguishes that from any other DELETE. The ORM refuses both everywhere.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION common_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER common_auditevent_append_only
    BEFORE UPDATE OR DELETE ON common_auditevent
    FOR EACH ROW EXECUTE FUNCTION common_auditevent_append_only();
"""
SQLITE_CREATE = [
    "CREATE TRIGGER common_auditevent_no_update BEFORE UPDATE ON common_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS common_auditevent_no_update;"]
DROP = """
DROP TRIGGER IF EXISTS common_auditevent_append_only ON common_auditevent;
DROP FUNCTION IF EXISTS common_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_create_audit_event")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
