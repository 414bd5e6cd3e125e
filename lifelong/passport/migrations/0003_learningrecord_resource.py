"""Ledger entries of a studied learning resource point at it.

Adding a nullable column is an ALTER TABLE on both databases: the append-only triggers of
0002 stay as they are. Removing it again makes SQLite rebuild the table, which drops its
trigger, so going back puts the trigger back (the operations run in reverse order).
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS passport_learningrecord_no_update BEFORE UPDATE ON passport_learningrecord "
    "BEGIN SELECT RAISE(ABORT, 'learning records are append-only'); END;"
)


def sqlite_trigger_restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("passport", "0002_ledger_append_only_trigger"),
        ("resources", "0001_create_resource_view_study"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sqlite_trigger_restore),
        migrations.AddField(
            model_name="learningrecord",
            name="resource",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="learning_records",
                to="resources.resource",
            ),
        ),
    ]
