from django.utils.translation import get_language


def english_wanted() -> bool:
    return (get_language() or "").startswith("en")


class BilingualName:
    """Mixin for models with `name` (Chinese) and `name_en`: English pages show English names."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return self.name_en if english_wanted() and self.name_en else self.name
