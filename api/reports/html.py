"""The participation report as one printable, accessible HTML page (Jinja2, autoescaped)."""

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from api.reports.formatting import Formatter
from api.reports.models import SECTION_IDS, ParticipationReport
from api.reports.texts import text

_ENVIRONMENT = Environment(
    loader=PackageLoader("api.reports", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

SECTION_TITLES = {
    "who": "who.title",
    "what": "what.title",
    "when-where": "whenWhere.title",
    "how-many": "howMany.title",
    "results": "results.title",
    "response": "response.title",
    "method": "method.title",
}


def participation_report_html(report: ParticipationReport) -> str:
    """The whole report as a self-contained HTML page: A4 in print, a page per section."""
    language = report.language
    return _ENVIRONMENT.get_template("participation_report.html.j2").render(
        r=report,
        f=Formatter(language, min_group_size=report.method.min_group_size),
        t=lambda key, **values: text(language, key, **values),
        sections=[(id_, SECTION_TITLES[id_]) for id_ in SECTION_IDS],
    )
