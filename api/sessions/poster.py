"""The printable A4 poster of a session: QR code, join code, venue, time, B1 text in NL and EN."""

from datetime import datetime
from html import escape

from api.core.zones import AMSTERDAM
from api.sessions.qr import qr_svg_element

_DAYS_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
_MONTHS_NL = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def _day_nl(moment: datetime) -> str:
    return f"{_DAYS_NL[moment.weekday()]} {moment.day} {_MONTHS_NL[moment.month - 1]} {moment.year}"


def _when_nl(starts_at: datetime, ends_at: datetime) -> str:
    start, end = starts_at.astimezone(AMSTERDAM), ends_at.astimezone(AMSTERDAM)
    if start.date() != end.date():
        return f"van {_day_nl(start)} {start:%H.%M} uur tot {_day_nl(end)} {end:%H.%M} uur"
    return f"{_day_nl(start)}, {start:%H.%M}–{end:%H.%M} uur"


def _when_en(starts_at: datetime, ends_at: datetime) -> str:
    start, end = starts_at.astimezone(AMSTERDAM), ends_at.astimezone(AMSTERDAM)
    if start.date() != end.date():
        return f"from {start:%A %-d %B %Y %H:%M} to {end:%A %-d %B %Y %H:%M}"
    return f"{start:%A %-d %B %Y}, {start:%H:%M}–{end:%H:%M}"


def poster_html(
    *,
    dialogue_title: str,
    municipality_name: str,
    venue_name: str,
    venue_address: str | None,
    starts_at: datetime,
    ends_at: datetime,
    join_code: str,
    check_in_url: str,
    join_page_url: str,
    brand_colour: str,
) -> str:
    """A self-contained HTML page that prints on one A4 sheet."""
    address = f"<br>{escape(venue_address)}" if venue_address else ""
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Poster – {escape(dialogue_title)}</title>
<style>
  @page {{ size: A4 portrait; margin: 15mm; }}
  :root {{ --brand: {escape(brand_colour)}; }}
  * {{ box-sizing: border-box; }}
  body {{ font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; color: #1a1a1a; margin: 0; }}
  main {{ width: 180mm; min-height: 260mm; margin: 0 auto; display: flex; flex-direction: column;
          align-items: center; text-align: center; gap: 6mm; }}
  header {{ width: 100%; border-bottom: 3mm solid var(--brand); padding-bottom: 4mm; }}
  .municipality {{ font-size: 14pt; margin: 0; }}
  h1 {{ font-size: 30pt; line-height: 1.15; margin: 2mm 0 0; }}
  .qr svg {{ width: 95mm; height: 95mm; }}
  .code {{ font-size: 40pt; font-weight: 700; letter-spacing: 4mm; margin: 0;
           font-family: "Noto Sans Mono", "Courier New", monospace; }}
  .lead {{ font-size: 17pt; line-height: 1.35; margin: 0; max-width: 160mm; }}
  .lead[lang="en"] {{ color: #444; }}
  .where {{ font-size: 14pt; line-height: 1.4; margin: 0; }}
  .url {{ font-size: 11pt; color: #444; margin: 0; }}
  @media screen {{ body {{ background: #eee; padding: 10mm 0; }}
                   main {{ background: #fff; padding: 15mm; box-shadow: 0 0 4mm #999; }} }}
</style>
</head>
<body>
<main>
  <header>
    <p class="municipality">{escape(municipality_name)}</p>
    <h1>{escape(dialogue_title)}</h1>
  </header>
  <p class="lead">Wat vind jij belangrijk in je buurt? Scan de QR-code met je telefoon.
    Het duurt 3 minuten en je blijft anoniem.</p>
  <p class="lead" lang="en">What matters most to you in your neighbourhood? Scan the QR code
    with your phone. It takes 3 minutes and you stay anonymous.</p>
  <div class="qr" role="img" aria-label="QR-code naar {escape(check_in_url)}">
    {qr_svg_element(check_in_url)}
  </div>
  <p class="lead">Geen QR-scanner? Ga naar <strong>{escape(join_page_url)}</strong>
    en typ de code: / No scanner? Go there and type the code:</p>
  <p class="code">{escape(join_code)}</p>
  <p class="where"><strong>{escape(venue_name)}</strong>{address}<br>
    {escape(_when_nl(starts_at, ends_at))}<br>
    <span lang="en">{escape(_when_en(starts_at, ends_at))}</span></p>
  <p class="url">{escape(check_in_url)}</p>
</main>
</body>
</html>
"""
