from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    COMMUNITY_COLLEGE = "community_college", _("County community education school")
    COMMUNITY_SCHOOL = "community_school", _("Town community school")
    TEACHING_POINT = "teaching_point", _("Village teaching point")
    EXPERIENCE_HALL = "experience_hall", _("Lifelong learning experience hall")
    CULTURE_HALL = "culture_hall", _("Rural culture hall")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
    ENTERPRISE = "enterprise", _("Enterprise training centre")
    SCHOOL = "school", _("School")
    LIBRARY = "library", _("Library")
    MUSEUM = "museum", _("Museum")
