"""The languages of resident-facing texts, choosing one by `Accept-Language`, and taking
a text in it where it is translated."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Header, Query
from pydantic import BaseModel

from api.core.languages import negotiate


class Language(StrEnum):
    """A language the resident app speaks; Dutch is the original of every text."""

    NL = "nl"
    EN = "en"
    AR = "ar"


DEFAULT_LANGUAGE = Language.NL
TRANSLATED_LANGUAGES = (Language.EN, Language.AR)
"""Languages a text may be translated into; the Dutch text is in the plain fields."""


def negotiate_language(accept_language: str | None) -> Language:
    """The resident language the client prefers most (see `negotiate`), Dutch by default."""
    chosen = negotiate(
        accept_language, [language.value for language in Language], default=DEFAULT_LANGUAGE.value
    )
    return Language(chosen)


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


AcceptLanguageHeader = Annotated[
    str | None,
    Header(
        alias="Accept-Language",
        description="The resident's languages, e.g. `en, nl;q=0.5`: texts come in the first of "
        "nl, en, ar that has them, Dutch where a text has no translation (each item says which).",
    ),
]


def requested_language(
    lang: Annotated[
        Language | None,
        Query(description="The language to read texts in; overrides Accept-Language."),
    ] = None,
    accept_language: AcceptLanguageHeader = None,
) -> Language:
    """The language asked for: `?lang=`, else the Accept-Language header, else Dutch."""
    return lang or negotiate_language(accept_language)


RequestedLanguage = Annotated[Language, Depends(requested_language)]
