from django.utils.translation import get_language


def english_wanted() -> bool:
    return (get_language() or "").startswith("en")


def in_reader_language(text: str, text_en: str) -> str:
    """A text kept in Chinese (`text`) and English (`text_en`): English pages show the English
    one when there is one, every other page the Chinese."""
    return text_en if english_wanted() and text_en else text


class BilingualName:
    """Mixin for models with `name` (Chinese) and `name_en`: English pages show English names."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return in_reader_language(self.name, self.name_en)


class BilingualTitle:
    """Mixin for models (and records) with `title` (Chinese) and `title_en`: English pages
    show English titles."""

    title: str
    title_en: str

    @property
    def display_title(self) -> str:
        return in_reader_language(self.title, self.title_en)
