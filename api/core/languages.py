"""The languages of resident-facing texts, and choosing one by `Accept-Language`."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Header


class Language(StrEnum):
    """A language the resident app speaks; Dutch is the original of every text."""

    NL = "nl"
    EN = "en"
    AR = "ar"


DEFAULT_LANGUAGE = Language.NL
TRANSLATED_LANGUAGES = (Language.EN, Language.AR)
"""Languages a text may be translated into; the Dutch text is in the plain fields."""


def negotiate_language(accept_language: str | None) -> Language:
    """The language the client prefers most among ours (RFC 9110 §12.5.4), Dutch by default.

    `en-GB` counts as `en`; `*` as any (Dutch); `q=0` means "not this one"; among equal
    weights the one named first wins. A header that cannot be read is taken as absent.
    """
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if not 0 < weight <= 1:
            continue
        language = DEFAULT_LANGUAGE if primary == "*" else _LANGUAGES.get(primary)
        if language is not None and (best is None or (weight, -position) > best[:2]):
            best = (weight, -position, language)
    return best[2] if best else DEFAULT_LANGUAGE


def in_language(
    texts: dict[str, str], translations: dict[str, Any] | None, language: Language
) -> tuple[dict[str, str], Language]:
    """The texts in `language` where translated into it, else the Dutch `texts`; and which."""
    translated = (translations or {}).get(language.value)
    if language is DEFAULT_LANGUAGE or not translated:
        return texts, DEFAULT_LANGUAGE
    return {name: translated.get(name, "") for name in texts}, language


_LANGUAGES = {language.value: language for language in Language}


AcceptLanguageHeader = Annotated[
    str | None,
    Header(
        alias="Accept-Language",
        description="The resident's languages, e.g. `en, nl;q=0.5`: texts come in the first of "
        "nl, en, ar that has them, Dutch where a text has no translation (each item says which).",
    ),
]
