"""Which of the languages we speak a request asks for (the `Accept-Language` header)."""

from collections.abc import Sequence

from api.core.negotiation import weighted_ranges

DUTCH = "nl"
ENGLISH = "en"


def negotiate(header: str | None, supported: Sequence[str], *, default: str) -> str:
    """The supported language the header prefers most; `default` if it accepts none of them.

    `en-GB` matches `en`, `*` matches the default; a weight of 0 refuses a language.
    """
    ranges = sorted(weighted_ranges(header), key=lambda r: -r[0])  # stable: header order on ties
    refused = {tag for weight, tag in ranges if weight == 0}
    for weight, tag in ranges:
        if weight == 0:
            continue
        wanted = [default, *supported] if tag == "*" else [tag.split("-")[0]]
        for language in wanted:
            if language in supported and language not in refused:
                return language
    return default
