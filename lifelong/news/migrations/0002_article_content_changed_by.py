import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def content_changed_from_revisions(apps, schema_editor):
    """Who changed an existing article's words last is who saved its latest revision (every
    change of the words keeps one, the first by its author); an article without any revision
    (none is made that way) counts as its author's, as written."""
    Article = apps.get_model("news", "Article")
    ArticleRevision = apps.get_model("news", "ArticleRevision")
    latest = ArticleRevision.objects.filter(article=OuterRef("pk")).order_by("-number")
    Article.objects.update(
        content_changed_by=Coalesce(Subquery(latest.values("saved_by")[:1]), "author"),
        content_changed_at=Coalesce(Subquery(latest.values("saved_at")[:1]), "created_at"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="content_changed_at",
            field=models.DateTimeField(null=True, verbose_name="text last changed"),
        ),
        migrations.AddField(
            model_name="article",
            name="content_changed_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="text last changed by",
            ),
        ),
        # Undoing drops the columns; nothing to put back.
        migrations.RunPython(content_changed_from_revisions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="content_changed_at",
            field=models.DateTimeField(verbose_name="text last changed"),
        ),
        migrations.AlterField(
            model_name="article",
            name="content_changed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="text last changed by",
            ),
        ),
    ]
