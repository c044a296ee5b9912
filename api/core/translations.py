"""The languages of resident-facing texts, choosing one by `Accept-Language`, and taking
a text in it where it is translated."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Header
from pydantic import BaseModel


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

    `en-GB` counts as `en`; `*` as any (Dutch first); `q=0` refuses a language; among equal
    weights the one named first wins; a range with an unreadable weight is ignored.
    """
    ranges: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.partition(";")
        name, _, value = params.strip().partition("=")
        try:
            weight = float(value) if name.strip().lower() == "q" else 1.0
        except ValueError:
            continue
        if tag.strip() and 0 <= weight <= 1:
            ranges.append((weight, tag.strip().lower().split("-")[0]))
    refused = {tag for weight, tag in ranges if weight == 0}
    for _, tag in sorted((r for r in ranges if r[0] > 0), key=lambda r: -r[0]):
        for candidate in [DEFAULT_LANGUAGE, *Language] if tag == "*" else [tag]:
            if candidate in _LANGUAGES and candidate not in refused:
                return _LANGUAGES[candidate]
    return DEFAULT_LANGUAGE


def in_language(
    texts: dict[str, str], translations: dict[str, Any] | None, language: Language
) -> tuple[dict[str, str], Language]:
    """The texts in `language` where translated into it, else the Dutch `texts`; and which."""
    translated = (translations or {}).get(language.value)
    if language is DEFAULT_LANGUAGE or not translated:
        return texts, DEFAULT_LANGUAGE
    return {name: translated.get(name, "") for name in texts}, language


def stored_translations(translations: Mapping[str, BaseModel] | None) -> dict[str, Any] | None:
    """Translations as the JSON column keeps them (None: none at all)."""
    if not translations:
        return None
    return {language: text.model_dump() for language, text in sorted(translations.items())}


_LANGUAGES = {language.value: language for language in Language}


AcceptLanguageHeader = Annotated[
    str | None,
    Header(
        alias="Accept-Language",
        description="The resident's languages, e.g. `en, nl;q=0.5`: texts come in the first of "
        "nl, en, ar that has them, Dutch where a text has no translation (each item says which).",
    ),
]
