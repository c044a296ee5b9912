"""The participation report as an A4 PDF (reportlab): the same sections as the HTML page."""

import io
from collections.abc import Callable
from html import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from api.reports.formatting import Formatter
from api.reports.models import Count, GroupRow, ParticipationReport
from api.reports.texts import text

_MARGIN = 16 * mm
_WIDTH = A4[0] - 2 * _MARGIN


def _fonts() -> tuple[str, str]:
    """Bitstream Vera, shipped with reportlab: Unicode Latin text without system fonts."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    return "Vera", "VeraBd"


class _Writer:
    """Builds the report's flowables in one language."""

    def __init__(self, report: ParticipationReport) -> None:
        self.report = report
        self.f = Formatter(report.language, min_group_size=report.method.min_group_size)
        regular, bold = _fonts()
        self.body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8.5, leading=11)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=9, leading=11.5)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=bold)
        self.number = ParagraphStyle("number", parent=self.cell, alignment=2)
        self.head_number = ParagraphStyle("headNumber", parent=self.head, alignment=2)
        self.title = ParagraphStyle("title", parent=self.body, fontName=bold, fontSize=18,
                                    leading=22, spaceAfter=6)  # fmt: skip
        self.h2 = ParagraphStyle("h2", parent=self.body, fontName=bold, fontSize=14, leading=18,
                                 spaceAfter=6)  # fmt: skip
        self.h3 = ParagraphStyle("h3", parent=self.body, fontName=bold, fontSize=11, leading=14,
                                 spaceBefore=8, spaceAfter=3)  # fmt: skip
        self.caption = ParagraphStyle("caption", parent=self.h3, fontSize=10, spaceBefore=6)

    def t(self, key: str, **values: object) -> str:
        return text(self.report.language, key, **values)

    def para(self, value: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(value), style or self.body)

    def table(
        self, caption: str, header: list[str], rows: list[list[str]], *, numeric: set[int]
    ) -> list[Flowable]:
        """A captioned table whose first column heads each row; `numeric` columns right."""

        def cell(value: str, column: int, style: ParagraphStyle) -> Paragraph:
            return self.para(value, self.number if column in numeric else style)

        data = [[self.para(h, self.head_number if i in numeric else self.head)
                 for i, h in enumerate(header)]]  # fmt: skip
        data += [[cell(v, i, self.head if i == 0 else self.cell) for i, v in enumerate(row)]
                 for row in rows]  # fmt: skip
        table = Table(data, repeatRows=1, colWidths=self._widths(len(header), numeric))
        table.setStyle(
            TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.grey),
            ])
        )  # fmt: skip
        return [self.para(caption, self.caption), table]

    def _widths(self, columns: int, numeric: set[int]) -> list[float]:
        narrow = 30 * mm if len(numeric) < 3 else 24 * mm
        wide = (_WIDTH - narrow * len(numeric)) / max(1, columns - len(numeric))
        return [narrow if i in numeric else wide for i in range(columns)]

    def count(self, count: Count) -> str:
        return self.f.count(count)

    def groups(self, caption: str, rows: list[GroupRow]) -> list[Flowable]:
        wijk = self.t("who.wijk")
        return self.table(
            caption,
            [self.t("who.group"), self.t("who.participants")],
            [
                [f"{r.label} ({wijk})" if r.kind == "wijk" else r.label, self.count(r.ballots)]
                for r in rows
            ],  # fmt: skip
            numeric={1},
        )

    # ------------------------------------------------------------ sections

    def cover(self) -> list[Flowable]:
        r, f = self.report, self.f
        draft = f"{self.t('draft')} · " if r.draft else ""
        parts: list[Flowable] = [
            self.para(r.municipality, self.h3),
            self.para(f"{draft}{self.t('kind')}: {r.title}", self.title),
            self.para(self.t("period", start=f.date(r.starts_on), end=f.date(r.ends_on))),
            self.para(self.t("lead")),
            self.para(
                self.t("generated", date=f.date(r.generated_on), version=r.method.version),
                self.small,
            ),  # fmt: skip
        ]
        if r.draft:
            parts.insert(0, self.para(self.t("draftNote"), self.h3))
        return parts

    def who(self) -> list[Flowable]:
        who, f = self.report.who, self.f
        parts = [
            self.para(self.t("who.total", count=self.count(who.total))),
            *self.groups(self.t("who.byVenueKind"), who.by_venue_kind),
            *self.groups(self.t("who.byNeighbourhood"), who.by_neighbourhood),
            *self.groups(self.t("who.byAgeBand"), who.by_age_band),
        ]
        if not who.population:
            return [*parts, self.para(self.t("who.noPopulation"))]
        wijk = self.t("who.wijk")
        return [
            *parts,
            *self.table(
                self.t("who.populationCaption", year=who.population_year),
                [
                    self.t("who.group"),
                    self.t("who.participants"),
                    self.t("who.residents"),
                    self.t("who.responseRate"),
                    self.t("who.shareDifference"),
                ],
                [
                    [
                        f"{r.label} ({wijk})" if r.kind == "wijk" else r.label,
                        self.count(r.participants),
                        f.number(r.population) if r.population is not None else "–",
                        f.percent(r.response_rate, digits=1),
                        f.points(r.share_difference),
                    ]
                    for r in who.population
                ],
                numeric={1, 2, 3, 4},
            ),  # fmt: skip
            self.para(self.t("who.shareDifferenceNote"), self.small),
        ]

    def what(self) -> list[Flowable]:
        what = self.report.what
        parts: list[Flowable] = []
        if what.question:
            parts += [self.para(self.t("what.question"), self.h3), self.para(what.question)]
        items = [
            self.para(f"{p.title} ({self.t('what.theme')}: {p.theme})"
                      + (f" – {p.description}" if p.description else ""))
            for p in what.priorities
        ]  # fmt: skip
        return [*parts, self.para(self.t("what.priorities"), self.h3),
                ListFlowable(items, bulletType="1", bulletFontName=self.body.fontName,
                             bulletFontSize=10)]  # fmt: skip

    def when_where(self) -> list[Flowable]:
        sessions, f = self.report.sessions, self.f
        if not sessions:
            return [self.para(self.t("whenWhere.none"))]
        return self.table(
            self.t("whenWhere.caption"),
            [self.t("whenWhere.when"), self.t("whenWhere.venue"), self.t("whenWhere.kind"),
             self.t("whenWhere.ballots")],
            [[f.time_span(s.starts_at, s.ends_at),
              f"{s.venue} – {s.title}" if s.title else s.venue, s.venue_kind,
              self.count(s.ballots)] for s in sessions],
            numeric={3},
        )  # fmt: skip

    def how_many(self) -> list[Flowable]:
        n, f = self.report.how_many, self.f
        rows = [
            [self.t("howMany.ballots"), self.count(n.ballots)],
            [self.t("howMany.sessions"), f.number(n.sessions)],
            [self.t("howMany.venues"), f.number(n.venues)],
            [self.t("howMany.pledgers"), self.count(n.pledgers)],
        ]
        if n.pledges is not None:
            rows += [[self.t("howMany.pledges"), f.number(n.pledges)],
                     [self.t("howMany.hours"), f.number(n.hours_per_month or 0, digits=1)]]  # fmt: skip
        return self.table(
            self.t("howMany.caption"),
            [self.t("howMany.what"), self.t("howMany.number")],
            rows,
            numeric={1},
        )

    def results(self) -> list[Flowable]:
        results, f = self.report.results, self.f
        if not results.priorities:
            return [self.para(self.t("results.hidden", min=self.report.method.min_group_size))]
        header = [self.t("results.priority"), self.t("results.rank"), self.t("results.score"),
                  self.t("results.interval"), self.t("results.firstChoice"),
                  self.t("results.topThree")]  # fmt: skip
        rows = [[p.title, str(p.rank), f.score(p.score), f.interval(p.score_low, p.score_high),
                 f.percent(p.first_choice_share), f.percent(p.top_three_share)]
                for p in results.priorities]  # fmt: skip
        numeric = {1, 2, 3, 4, 5}
        parts = self.table(self.t("results.caption"), header, rows, numeric=numeric)
        parts.append(self.para(self.t("results.scoreNote"), self.small))
        if results.weighted:
            parts += self.table(
                f"{self.t('results.weightedByBuurt')} / {self.t('results.weightedByAgeBand')}",
                [self.t("results.priority"), self.t("results.score"),
                 self.t("results.weightedByBuurt"), self.t("results.weightedByAgeBand")],
                [[p.title, f.score(p.score),
                  f.score(p.weighted_by_buurt) if p.weighted_by_buurt is not None else "–",
                  f.score(p.weighted_by_age_band) if p.weighted_by_age_band is not None else "–"]
                 for p in results.priorities],
                numeric={1, 2, 3},
            )  # fmt: skip
            parts.append(self.para(self.t("results.weightedNote"), self.small))
        return parts

    def response(self) -> list[Flowable]:
        response, f = self.report.response, self.f
        parts: list[Flowable] = []
        if response.responses:
            parts += self.table(
                self.t("response.caption"),
                [self.t("response.priority"), self.t("response.decision"),
                 self.t("response.reason"), self.t("response.agendaItems")],
                [[a.priority, self.t(f"response.decision.{a.decision}"), a.reason,
                  "; ".join(a.agenda_items) or "–"] for a in response.responses],
                numeric=set(),
            )  # fmt: skip
        else:
            parts.append(self.para(self.t("response.none")))
        parts.append(self.para(self.t("response.agenda"), self.h3))
        if not response.agenda:
            return [*parts, self.para(self.t("response.noAgenda"))]
        minimum = self.report.method.min_group_size
        rows = []
        for item in response.agenda:
            timing = self.t(f"response.horizon.{item.horizon}")
            if item.starts_on:
                timing += f", {f.date(item.starts_on)}"
            if item.ends_on:
                timing += f" – {f.date(item.ends_on)}"
            residents = (
                self.t("response.residentPledges", count=f.number(item.resident_pledges))
                if item.resident_pledges is not None
                else self.t("response.residentPledgesFew", min=minimum)
            )
            goal = f" – {self.t('response.goal')}: {item.goal}" if item.goal else ""
            title = f"{item.title}{goal}"
            rows.append([title, item.owner or "–", timing, self.t(f"response.status.{item.status}"),
                         "; ".join([", ".join(item.partners + item.organisations), residents]
                                   if item.partners or item.organisations else [residents])])  # fmt: skip
        return [*parts, *self.table(
            self.t("response.agendaCaption"),
            [self.t("response.item"), self.t("response.owner"), self.t("response.timing"),
             self.t("response.status"), self.t("response.contributions")],
            rows, numeric=set(),
        )]  # fmt: skip

    def method(self) -> list[Flowable]:
        m, f = self.report.method, self.f
        lines = [self.t("method.selfSelected"), self.t("method.interval"),
                 self.t("method.suppression", min=m.min_group_size)]  # fmt: skip
        if m.population_year is not None:
            lines += [
                self.t("method.weighting", buurt=f.percent(m.weighted_buurt_covered),
                       age=f.percent(m.weighted_age_band_covered), year=m.population_year),
                self.t("method.ageBands"),
            ]  # fmt: skip
        else:
            lines.append(self.t("method.noWeighting"))
        lines += [
            self.t("method.release", version=m.version, date=f.date(m.refreshed_at.date())),
            self.t("method.final") if m.final else self.t("method.notFinal"),
        ]
        return [self.para(line) for line in lines]


def participation_report_pdf(report: ParticipationReport) -> bytes:
    """The report as an A4 PDF: a cover, then each section on a page of its own."""
    writer = _Writer(report)
    sections: list[tuple[str, Callable[[], list[Flowable]]]] = [
        ("who.title", writer.who),
        ("what.title", writer.what),
        ("whenWhere.title", writer.when_where),
        ("howMany.title", writer.how_many),
        ("results.title", writer.results),
        ("response.title", writer.response),
        ("method.title", writer.method),
    ]
    story: list[Flowable] = writer.cover()
    for title, build in sections:
        story += [PageBreak(), writer.para(writer.t(title), writer.h2), *build()]
    regular, bold = _fonts()
    draft = writer.t("draft") if report.draft else None

    def decorate(canvas, document) -> None:  # noqa: ANN001 (reportlab's callback)
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawRightString(A4[0] - _MARGIN, 9 * mm, writer.t("pdfPage", page=document.page))
        if draft:
            canvas.setFont(bold, 80)
            canvas.setFillColor(colors.Color(0.54, 0.11, 0.11, alpha=0.12))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, draft)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"{writer.t('kind')} – {report.title}",
        author=report.municipality,
        lang=report.language.value,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
