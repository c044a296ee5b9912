"""QR codes of check-in addresses, as SVG, PNG or terminal text."""

import io
from enum import StrEnum
from functools import lru_cache

import qrcode
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathImage


class QrFormat(StrEnum):
    """The image formats a QR code can be had in."""

    SVG = "svg"
    PNG = "png"


def _code(url: str) -> qrcode.QRCode:
    # Quartile error correction: a poster survives a fold, a smudge or a sticker.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4, box_size=12)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_image(url: str, *, image_format: QrFormat) -> bytes:
    """The QR code of `url` as an SVG or PNG file."""
    factory = SvgPathImage if image_format is QrFormat.SVG else PyPNGImage
    buffer = io.BytesIO()
    _code(url).make_image(image_factory=factory).save(buffer)
    return buffer.getvalue()


# Choosing the best mask takes a fifth of a second; a printed page shows the same code often.
@lru_cache(maxsize=64)
def qr_svg_element(url: str) -> str:
    """The QR code as an inline `<svg>` element (for the poster and paper ballot pages)."""
    svg = qr_image(url, image_format=QrFormat.SVG).decode()
    return svg[svg.index("<svg") :]


@lru_cache(maxsize=64)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules, quiet zone included, row by row (True: dark)."""
    return tuple(tuple(row) for row in _code(url).get_matrix())


def qr_terminal(url: str) -> str:
    """The QR code drawn with block characters, for a terminal."""
    buffer = io.StringIO()
    code = _code(url)
    code.border = 2
    code.print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
