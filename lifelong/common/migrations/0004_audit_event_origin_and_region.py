"""Audit events record the user agent and the region they belong to (for the audit viewer).

Existing events are not backfilled: the table is append-only (the database refuses UPDATE), and
rewriting history to add a resolved region would break that promise. They keep an empty region,
which only admins at the top of the region tree (and superusers) see.

On SQLite, adding the NOT NULL `user_agent` column makes Django rebuild the table, which drops
the append-only trigger of migration 0002, so it is created again here (both ways).
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS common_auditevent_no_update BEFORE UPDATE ON common_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)


def recreate_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0003_add_picture"),
        ("regions", "0001_create_region"),
    ]

    operations = [
        # Unapplying removes `user_agent` after this step runs backwards: the rebuild drops the
        # trigger again, so the way back recreates it too (see the last operation).
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_trigger),
        migrations.AddField(
            model_name="auditevent",
            name="user_agent",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "Signed in"),
                    ("login_failed", "Sign-in failed"),
                    ("login_locked", "Account locked after failed sign-ins"),
                    ("logout", "Signed out"),
                    ("token_issued", "API token issued"),
                    ("two_factor_enrolled", "Two-factor enrolled"),
                    ("password_changed", "Password changed"),
                    ("role_granted", "Role granted"),
                    ("role_revoked", "Role revoked"),
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("learner_registered", "Learner registered"),
                    ("exported", "Exported"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(recreate_sqlite_trigger, migrations.RunPython.noop),
    ]
