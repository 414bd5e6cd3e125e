"""An import is of learning records or of residents (village rosters): one job, progress bar
and report for both. Residents resume after `checkpoint_line`; `updated` counts known learners
whose empty fields a roster filled. An operator's command-line import has no `created_by`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("passport", "0003_learningrecord_resource"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="recordimport",
            options={"ordering": ["-created_at", "-id"], "verbose_name": "import", "verbose_name_plural": "imports"},
        ),
        migrations.AddField(
            model_name="recordimport",
            name="checkpoint_line",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="recordimport",
            name="kind",
            field=models.CharField(
                choices=[("records", "Learning records"), ("learners", "Residents")],
                default="records",
                max_length=8,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="recordimport",
            name="updated",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="recordimport",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="recordimport",
            name="issuer",
            field=models.CharField(blank=True, max_length=120, verbose_name="issued by"),
        ),
    ]
