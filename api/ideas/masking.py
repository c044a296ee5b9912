"""Contact details and account numbers in a resident's idea, found and masked before storing.

Four kinds, each replaced by a marker the moderation queue shows as a masked part:
e-mail addresses, phone numbers (Dutch and international, found by Google's libphonenumber),
Dutch postcodes (with the house number when one follows) and IBANs (checked by their
checksum, so an ordinary long number is left alone).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from stdnum import iban


class MaskedKind(StrEnum):
    """What was masked in an idea."""

    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    IBAN = "iban"


MARKERS = {kind: f"[{kind.value}]" for kind in MaskedKind}
"""The text that takes the place of a masked part, e.g. `[email]`."""

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# Country code, check digits, then 11 to 30 letters or digits, in groups or not.
_IBAN_CANDIDATE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}\b")
# 1234 AB or 1234AB or 1234ab (lower case only without a space: "2030 is 5" is no postcode),
# then the house number with an addition (12, 12a, 12 A, 12-3, 12 bis) if there is one.
_POSTCODE = re.compile(
    r"\b[1-9]\d{3}(?: ?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})\b"
    r"(?:,? ?(?:nr\.? ?)?\d{1,5}(?: ?[A-Za-z]\b|-\d{1,4}| bis\b)?)?"
)


@dataclass(frozen=True)
class MaskedText:
    """The text with its sensitive parts replaced, and which kinds those were."""

    text: str
    kinds: tuple[MaskedKind, ...]


def _mask_ibans(text: str) -> tuple[str, bool]:
    found = False

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        candidate = match.group(0)
        # The regex may take a following word along ("NL91ABNA0417164300 graag"): try
        # shorter ends until a valid IBAN remains.
        for end in range(len(candidate), 14, -1):
            if candidate[end - 1] != " " and iban.is_valid(candidate[:end]):
                found = True
                return MARKERS[MaskedKind.IBAN] + candidate[end:]
        return candidate

    return _IBAN_CANDIDATE.sub(replace, text), found


def _mask_phones(text: str) -> tuple[str, bool]:
    matches = list(
        phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID)
    )
    for match in reversed(matches):
        text = text[: match.start] + MARKERS[MaskedKind.PHONE] + text[match.end :]
    return text, bool(matches)


def _masking(pattern: re.Pattern[str], kind: MaskedKind) -> Callable[[str], tuple[str, bool]]:
    """A masker replacing every match of `pattern` with the kind's marker."""

    def mask_matches(text: str) -> tuple[str, bool]:
        text, count = pattern.subn(MARKERS[kind], text)
        return text, count > 0

    return mask_matches


_MASKERS = (
    (MaskedKind.EMAIL, _masking(_EMAIL, MaskedKind.EMAIL)),
    (MaskedKind.IBAN, _mask_ibans),
    (MaskedKind.POSTCODE, _masking(_POSTCODE, MaskedKind.POSTCODE)),
    (MaskedKind.PHONE, _mask_phones),
)


def mask(text: str) -> MaskedText:
    """Mask e-mail addresses, IBANs, postcodes and phone numbers, in that order (an address
    or account number holds digits a phone number search would otherwise take)."""
    kinds = []
    for kind, masker in _MASKERS:
        text, found = masker(text)
        if found:
            kinds.append(kind)
    return MaskedText(text=text, kinds=tuple(sorted(kinds)))
