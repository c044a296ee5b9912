"""Contact details and account numbers in a resident's idea, found and masked before storing.

Four kinds, each replaced by a marker the moderation queue shows as a masked part:
e-mail addresses, phone numbers (Dutch and international, found by Google's libphonenumber),
Dutch postcodes (with the house number when one follows) and IBANs (checked by their
checksum, so an ordinary long number is left alone).
"""

import re
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


def mask(text: str) -> MaskedText:
    """Mask e-mail addresses, IBANs, postcodes and phone numbers, in that order (an address
    or account number holds digits a phone number search would otherwise take)."""
    kinds = []
    text, count = _EMAIL.subn(MARKERS[MaskedKind.EMAIL], text)
    if count:
        kinds.append(MaskedKind.EMAIL)
    text, found = _mask_ibans(text)
    if found:
        kinds.append(MaskedKind.IBAN)
    text, count = _POSTCODE.subn(MARKERS[MaskedKind.POSTCODE], text)
    if count:
        kinds.append(MaskedKind.POSTCODE)
    text, found = _mask_phones(text)
    if found:
        kinds.append(MaskedKind.PHONE)
    return MaskedText(text=text, kinds=tuple(sorted(kinds)))
