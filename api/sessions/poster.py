"""The printable A4 poster of a session: QR code, join code, venue, time, B1 text in NL and EN."""

from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from api.core.zones import AMSTERDAM
from api.sessions.qr import qr_svg_element

_ENVIRONMENT = Environment(
    loader=PackageLoader("api.sessions", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)

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
    return _ENVIRONMENT.get_template("poster.html.j2").render(
        dialogue_title=dialogue_title,
        municipality_name=municipality_name,
        venue_name=venue_name,
        venue_address=venue_address,
        when_nl=_when_nl(starts_at, ends_at),
        when_en=_when_en(starts_at, ends_at),
        join_code=join_code,
        check_in_url=check_in_url,
        join_page_url=join_page_url,
        brand_colour=brand_colour,
        qr_svg=Markup(qr_svg_element(check_in_url)),  # our own SVG, built from the URL
    )
