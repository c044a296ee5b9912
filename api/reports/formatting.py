"""Figures and dates as the report prints them, in Dutch or English."""

from datetime import date, datetime

from api.reports.models import Count, ReportLanguage
from api.reports.texts import text

_MONTHS = {
    ReportLanguage.NL: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    ReportLanguage.EN: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
_SEPARATORS = {ReportLanguage.NL: (".", ","), ReportLanguage.EN: (",", ".")}


class Formatter:
    """Formats the report's figures for one language and minimum group size."""

    def __init__(self, language: ReportLanguage, *, min_group_size: int) -> None:
        self.language = language
        self.min_group_size = min_group_size
        self._thousands, self._decimal = _SEPARATORS[language]

    def number(self, value: float, *, digits: int = 0) -> str:
        """A number with the language's thousands and decimal separators."""
        plain = f"{value:,.{digits}f}"
        return plain.replace(",", "\0").replace(".", self._decimal).replace("\0", self._thousands)

    def count(self, count: Count) -> str:
        """A released count, or why it is hidden: never a number below the minimum."""
        if count.value is not None:
            return self.number(count.value)
        reason = count.hidden.value if count.hidden else "tooFew"
        return text(self.language, f"hidden.{reason}", min=self.min_group_size)

    def score(self, value: float) -> str:
        """A score of 0…1 on the report's 0–100 scale."""
        return self.number(value * 100)

    def interval(self, low: float, high: float) -> str:
        """A score's interval on the 0–100 scale."""
        return f"{self.score(low)}–{self.score(high)}"

    def percent(self, fraction: float | None, *, digits: int = 0) -> str:
        """A fraction as a percentage; a dash when there is none."""
        if fraction is None:
            return "–"
        return f"{self.number(fraction * 100, digits=digits)}%"

    def points(self, difference: float | None) -> str:
        """A difference of two shares in percentage points, with its sign."""
        if difference is None:
            return "–"
        rounded = round(difference * 100)
        sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
        return f"{sign}{self.number(abs(rounded))}"

    def date(self, day: date) -> str:
        """A date written out: 6 december 2026 / 6 December 2026."""
        return f"{day.day} {_MONTHS[self.language][day.month - 1]} {day.year}"

    def time_span(self, starts_at: datetime, ends_at: datetime) -> str:
        """A session's date and times (already in Amsterdam time)."""
        return f"{self.date(starts_at.date())}, {starts_at:%H:%M}–{ends_at:%H:%M}"
