"""Masking residents' ideas: contact details and account numbers out, ordinary text kept."""

import pytest

from api.ideas.masking import MaskedKind, mask


@pytest.mark.parametrize(
    "text",
    [
        "Mail naar jan.jansen@example.nl als het kan",
        "mail: j-de.vries+idee@gemeente.tilburg.nl",
        "MAIL@EXAMPLE.COM",
    ],
)
def test_e_mail_addresses_are_masked(text: str):
    masked = mask(text)
    assert "@" not in masked.text
    assert "[email]" in masked.text
    assert masked.kinds == (MaskedKind.EMAIL,)


@pytest.mark.parametrize(
    "text",
    [
        "bel 06-12345678",
        "bel 0612345678",
        "bel 06 12 34 56 78",
        "bel +31 6 1234 5678",
        "bel +31612345678",
        "bel 0031 6 12345678",
        "bel 020-1234567",
        "bel 010 123 4567",
        "bel (013) 123 45 67",
        "call +44 20 7946 0958",
        "call +32 2 555 12 12",
    ],
)
def test_phone_numbers_dutch_and_international_are_masked(text: str):
    masked = mask(text)
    assert masked.text.split(" ", 1)[1] == "[phone]", masked.text
    assert masked.kinds == (MaskedKind.PHONE,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik woon op 1234 AB 12", "ik woon op [postcode]"),
        ("ik woon op 1234AB 12a", "ik woon op [postcode]"),
        ("adres 5038 EA 7-2, Tilburg", "adres [postcode], Tilburg"),
        ("adres 3512jk 4 bis hier", "adres [postcode] hier"),
        ("postcode 5038 EA", "postcode [postcode]"),
    ],
)
def test_postcodes_with_house_numbers_are_masked(text: str, expected: str):
    masked = mask(text)
    assert masked.text == expected
    assert masked.kinds == (MaskedKind.POSTCODE,)


@pytest.mark.parametrize(
    "text",
    [
        "rekening NL91 ABNA 0417 1643 00 graag",
        "rekening NL91ABNA0417164300 graag",
        "rekening nl91abna0417164300 graag",
        "rekening DE89 3704 0044 0532 0130 00 graag",
    ],
)
def test_ibans_with_and_without_spaces_are_masked(text: str):
    masked = mask(text)
    assert masked.text == "rekening [iban] graag"
    assert masked.kinds == (MaskedKind.IBAN,)


def test_an_iban_with_a_wrong_checksum_is_not_taken_for_one():
    masked = mask("rekening NL91 ABNA 0417 1643 01")
    assert MaskedKind.IBAN not in masked.kinds
    assert "NL91 ABNA" in masked.text


def test_several_kinds_in_one_idea_are_all_masked_and_listed():
    masked = mask("Bel 06-12345678 of mail a.b@example.org, ik woon 1234 AB 5; NL91ABNA0417164300")
    assert masked.text == "Bel [phone] of mail [email], ik woon [postcode]; [iban]"
    assert masked.kinds == (
        MaskedKind.EMAIL,
        MaskedKind.IBAN,
        MaskedKind.PHONE,
        MaskedKind.POSTCODE,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Meer groen in 2030, en in 2027 al 1500 bomen",
        "Speeltuin voor kinderen van 3 tot 5 jaar",
        "Het kost € 1.250.000 of 12,50 euro per maand",
        "Bus 12 rijdt om 8:15 en 17.30 uur, van 1990 tot 2024",
        "In 2030 is 5 procent meer groen nodig",
        "Budget 12345678 euro voor 2026-2030",
        "Tel de 200 fietsen bij station 020 niet mee",
    ],
)
def test_ordinary_text_with_numbers_is_left_alone(text: str):
    masked = mask(text)
    assert masked.text == text
    assert masked.kinds == ()
