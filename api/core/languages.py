"""Which of the languages we speak a request asks for (the `Accept-Language` header)."""

from collections.abc import Sequence

DUTCH = "nl"
ENGLISH = "en"


def _ranges(header: str) -> list[tuple[float, str]]:
    """The language ranges of an Accept-Language header with their weights (RFC 9110 12.5.4)."""
    ranges = []
    for part in header.split(","):
        tag, _, parameters = part.partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                continue  # a range with an unreadable weight is ignored, not trusted
            if not 0 <= weight <= 1:
                continue
        ranges.append((weight, tag))
    return ranges


def negotiate(header: str | None, supported: Sequence[str], *, default: str) -> str:
    """The supported language the header prefers most; `default` if it accepts none of them.

    `en-GB` matches `en`, `*` matches the default; a weight of 0 refuses a language.
    """
    ranges = sorted(_ranges(header or ""), key=lambda r: -r[0])  # stable: header order on ties
    refused = {tag for weight, tag in ranges if weight == 0}
    for weight, tag in ranges:
        if weight == 0:
            continue
        wanted = [default, *supported] if tag == "*" else [tag.split("-")[0]]
        for language in wanted:
            if language in supported and language not in refused:
                return language
    return default
