from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    DOCUMENT = "document", _("Document (PDF)")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    IMAGE = "image", _("Image")
    LINK = "link", _("Link")


# Every kind but links is an uploaded file.
FILE_KINDS = [ResourceKind.DOCUMENT, ResourceKind.VIDEO, ResourceKind.AUDIO, ResourceKind.IMAGE]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in learners only")
