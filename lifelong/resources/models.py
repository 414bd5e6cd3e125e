"""The shared learning-resource library: documents, videos, audio, images and links that
institutions publish, how often each is viewed and downloaded, and who studied it."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.activities.choices import Audience, Category
from lifelong.common.i18n import BilingualTitle

from .choices import ResourceKind, Visibility


class Resource(BilingualTitle, models.Model):
    """One piece of shared learning material, published by an institution.

    A link carries `url` and no file; every other kind carries a stored file and no url. The
    file's `content_type` is what the server detected from its bytes when it was uploaded
    (never what the browser claimed), and it is what the file is served as. Files live in the
    default storage under a generated name and are only ever streamed through a view that
    checks visibility, never from a public media URL.

    `view_count` and `download_count` move only by relative UPDATEs, so concurrent readers
    lose no count; a view counts once per visitor per day (`ResourceView`).
    """

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="resources", verbose_name=_("publisher")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # ",elderly,farmers," as on activities: "for farmers" is one substring test on every database.
    audiences = models.CharField(_("audiences"), max_length=100, default=",all,")
    hours = models.DecimalField(_("learning hours"), max_digits=5, decimal_places=1, default=0)
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    url = models.URLField(
        _("address"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    file = models.FileField(_("file"), upload_to="resources/%Y/%m/", max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=60, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("learning resource")
        verbose_name_plural = _("learning resources")
        indexes = [models.Index(fields=["is_published", "visibility", "published_at"], name="resource_library_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ResourceKind.LINK) & ~Q(url="") & Q(file=""))
                | (~Q(kind=ResourceKind.LINK) & Q(url="") & ~Q(file="")),
                name="resource_link_or_file",
                violation_error_message=_("A link has an address and no file; every other resource has a file."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="resource_hours_not_negative",
                violation_error_message=_("Learning hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="resource_published_has_date",
                violation_error_message=_("A published resource has a publication date."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def audience_list(self) -> list[str]:
        return [a for a in self.audiences.split(",") if a]

    @property
    def audience_labels(self) -> list[str]:
        return [Audience(a).label for a in self.audience_list if a in Audience.values]

    @staticmethod
    def audiences_value(audiences: list[str]) -> str:
        return "," + ",".join(sorted(set(audiences))) + ","

    @property
    def is_file(self) -> bool:
        return self.kind != ResourceKind.LINK


class ResourceView(models.Model):
    """One visitor saw one resource on one day (county time): the row that makes a view count
    once per visitor per day. `visitor` is "u<user id>" for a signed-in user, else a hash of
    the first-party visitor cookie; never an address (a village hall shares one)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="views")
    visitor = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        verbose_name = _("resource view")
        verbose_name_plural = _("resource views")
        constraints = [
            models.UniqueConstraint(fields=["resource", "visitor", "day"], name="resource_view_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} · {self.day}"


class ResourceStudy(models.Model):
    """A learner said they studied a resource and got its hours in their passport: once per
    learner and resource (a database constraint, so two quick presses write one entry)."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resource_studies")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="studies")
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    studied_at = models.DateTimeField(_("studied on"))

    class Meta:
        ordering = ["-studied_at", "-id"]
        verbose_name = _("studied resource")
        verbose_name_plural = _("studied resources")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "resource"],
                name="resource_study_once",
                violation_error_message=_("You have already studied this resource."),
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} ✓ {self.resource_id}"


class ResourceOpen(models.Model):
    """A learner opened a resource: its file was fetched (viewed, played or downloaded) or its
    link followed through this site, while they were signed in. Studying a resource needs one,
    so hours are credited for material the learner has at least looked at. The first opening
    is kept (one row per learner and resource)."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_opens")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="opens")
    opened_at = models.DateTimeField(_("first opened"))

    class Meta:
        verbose_name = _("opened resource")
        verbose_name_plural = _("opened resources")
        constraints = [
            models.UniqueConstraint(fields=["learner", "resource"], name="resource_open_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} → {self.resource_id}"
