from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    NEWS = "news", _("News")
    NOTICES = "notices", _("Notices")
    POLICY = "policy", _("Policy")
    LEARNING_WEEK = "learning_week", _("Learning Week")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
