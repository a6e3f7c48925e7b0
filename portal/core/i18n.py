"""Language helpers shared by the apps (the texts themselves live in the .po files)."""

from django.utils.translation import get_language


def language_is_vietnamese() -> bool:
    """Whether the active language is Vietnamese; with none active, yes (the portal's default).
    For content stored in both languages (`label_vi` / `label_en`)."""
    return (get_language() or "vi").startswith("vi")
