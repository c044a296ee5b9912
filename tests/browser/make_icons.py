"""Draw the PWA's icons (a speech bubble on the default brand blue) as PNG and SVG.

Run it once after changing the design; the files it writes are committed under pwa/icons/:

    .venv/bin/python -m tests.browser.make_icons

"any" icons have rounded corners and a transparent edge; "maskable" icons fill the whole
square and keep the bubble inside the central safe zone (a circle of 40% of the size), so
Android may cut them to any shape.
"""

from pathlib import Path

import numpy as np
import png

ICONS = Path(__file__).resolve().parents[2] / "pwa" / "icons"
BRAND = (0x01, 0x68, 0x9B)
WHITE = (255, 255, 255)
SUPERSAMPLE = 4


def _rounded_rect(x, y, left, top, right, bottom, radius):
    cx = np.clip(x, left + radius, right - radius)
    cy = np.clip(y, top + radius, bottom - radius)
    return (
        (x >= left)
        & (x <= right)
        & (y >= top)
        & (y <= bottom)
        & ((x - cx) ** 2 + (y - cy) ** 2 <= radius**2)
    )


def _triangle(x, y, a, b, c):
    def side(p, q):
        return (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    negative = (d1 < 0) | (d2 < 0) | (d3 < 0)
    positive = (d1 > 0) | (d2 > 0) | (d3 > 0)
    return ~(negative & positive)


def _circle(x, y, cx, cy, r):
    return (x - cx) ** 2 + (y - cy) ** 2 <= r**2


def draw(size: int, *, maskable: bool) -> list[list[int]]:
    """RGBA rows of the icon at `size` pixels, in a 512-unit design space."""
    n = size * SUPERSAMPLE
    coords = (np.arange(n) + 0.5) / n * 512
    x, y = np.meshgrid(coords, coords)
    if maskable:
        background = np.ones_like(x, dtype=bool)
        scale, offset = 0.84, 512 * (1 - 0.84) / 2  # the bubble stays inside the safe zone
    else:
        background = _rounded_rect(x, y, 16, 16, 496, 496, 112)
        scale, offset = 1.0, 0.0

    def s(v):
        return v * scale + offset

    bubble = _rounded_rect(x, y, s(104), s(120), s(408), s(344), 56 * scale) | _triangle(
        x, y, (s(164), s(330)), (s(248), s(330)), (s(150), s(410))
    )
    dots = (
        _circle(x, y, s(184), s(232), 24 * scale)
        | _circle(x, y, s(256), s(232), 24 * scale)
        | _circle(x, y, s(328), s(232), 24 * scale)
    )
    white = bubble & ~dots & background
    blue = background & ~white

    def pool(mask):
        return mask.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(1, 3))

    a_white, a_blue = pool(white), pool(blue)
    alpha = np.clip(a_white + a_blue, 0, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rgb = [
            np.where(alpha > 0, (a_white * w + a_blue * b) / alpha, 0)
            for w, b in zip(WHITE, BRAND, strict=True)
        ]
    image = np.stack([*rgb, alpha * 255], axis=-1).round().astype(np.uint8)
    return image.reshape(size, size * 4).tolist()


def write_png(path: Path, size: int, *, maskable: bool, opaque: bool = False) -> None:
    rows = draw(size, maskable=maskable)
    if opaque:
        rows = [[v for i, v in enumerate(row) if i % 4 != 3] for row in rows]
    writer = png.Writer(size, size, greyscale=False, alpha=not opaque, compression=9)
    with path.open("wb") as handle:
        writer.write(handle, rows)


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<rect x="16" y="16" width="480" height="480" rx="112" fill="#01689b"/>
<path fill="#fff" fill-rule="evenodd" d="M160 120h192a56 56 0 0 1 56 56v112a56 56 0 0 1-56 56H248l-98 66 14-66h-4a56 56 0 0 1-56-56V176a56 56 0 0 1 56-56zM184 208a24 24 0 1 0 0 48 24 24 0 1 0 0-48zm72 0a24 24 0 1 0 0 48 24 24 0 1 0 0-48zm72 0a24 24 0 1 0 0 48 24 24 0 1 0 0-48z"/>
</svg>
"""


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    write_png(ICONS / "icon-192.png", 192, maskable=False)
    write_png(ICONS / "icon-512.png", 512, maskable=False)
    write_png(ICONS / "maskable-192.png", 192, maskable=True, opaque=True)
    write_png(ICONS / "maskable-512.png", 512, maskable=True, opaque=True)
    write_png(ICONS / "apple-touch-icon.png", 180, maskable=True, opaque=True)
    (ICONS / "icon.svg").write_text(SVG)
    for path in sorted(ICONS.iterdir()):
        print(f"{path.relative_to(ICONS.parents[1])}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
