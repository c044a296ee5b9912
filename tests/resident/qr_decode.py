"""Reading QR codes back, as a phone would: PNG pixels and SVG paths through ZXing."""

import re

import numpy as np
import png
import zxingcpp

_RECT = re.compile(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z")
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _decode_pixels(pixels: np.ndarray) -> list[str]:
    return [
        result.text
        for result in zxingcpp.read_barcodes(pixels)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


def decode_png(data: bytes) -> list[str]:
    """The texts of the QR codes in a PNG image."""
    width, height, rows, info = png.Reader(bytes=data).asDirect()
    pixels = np.array([list(row) for row in rows], dtype=np.uint16)
    pixels = pixels.reshape(height, width, info["planes"])[:, :, 0]
    scale = 255 // (2 ** info["bitdepth"] - 1)
    return _decode_pixels((pixels * scale).astype(np.uint8))


def svg_modules(svg: str) -> np.ndarray:
    """The dark modules of a QR code drawn as one SVG path of squares (True = dark)."""
    rects = [tuple(float(v) for v in m) for m in _RECT.findall(svg)]
    assert rects, "the SVG has no QR modules"
    unit = rects[0][2] - rects[0][0]
    size = round(float(_VIEWBOX.search(svg).group(1)) / unit)
    modules = np.zeros((size, size), dtype=bool)
    for x1, y1, x2, y2 in rects:
        for row in range(round(y1 / unit), round(y2 / unit)):
            for col in range(round(x1 / unit), round(x2 / unit)):
                modules[row, col] = True
    return modules


def decode_svg(svg: str) -> list[str]:
    """The texts of the QR code in an SVG drawn as a path of squares, rendered at 8 px a module."""
    modules = svg_modules(svg)
    pixels = np.where(np.kron(modules, np.ones((8, 8), dtype=bool)), 0, 255).astype(np.uint8)
    return _decode_pixels(pixels)
