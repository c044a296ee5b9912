"""Results as CSV for Dutch spreadsheets: UTF-8 with BOM, `;` between fields, decimal comma."""

import csv
import io

from api.results.schemas import Results

CSV_COLUMNS = (
    "group_key",
    "group_label",
    "group_kind",
    "parent",
    "ballots",
    "suppressed",
    "priority_id",
    "priority_title",
    "theme",
    "score",
    "score_low",
    "score_high",
    "first_choice_share",
    "top_three_share",
    "mean_rank",
    "schulze_rank",
    "suppressed_reason",
)
CSV_DESCRIPTION = (
    "One row per group and priority (a suppressed group: one row, figures empty, and why: "
    "tooFew or protectsAnother). Columns: "
    + ", ".join(CSV_COLUMNS)
    + ". Scores and shares are 0–1, rounded to 4 decimals, with a decimal comma."
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (OWASP "CSV injection")."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float) -> str:
    return f"{value:.4f}".replace(".", ",")


def results_csv(results: Results) -> str:
    """The results as CSV text (prefixed with a byte order mark so Excel reads UTF-8)."""
    titles = {p.id: (p.title, p.theme_key) for p in results.priorities}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for group in results.groups:
        head = [group.key, _text(group.label), group.kind, group.parent or ""]
        if group.suppressed or not group.priorities:
            reason = group.suppressed_reason.value if group.suppressed_reason else ""
            writer.writerow([*head, "", "ja", *[""] * 10, reason])
            continue
        for priority in sorted(group.priorities, key=lambda p: p.schulze_rank):
            title, theme = titles[priority.id]
            writer.writerow(
                [
                    *head,
                    group.ballots,
                    "nee",
                    priority.id,
                    _text(title),
                    theme,
                    _number(priority.score),
                    _number(priority.score_low),
                    _number(priority.score_high),
                    _number(priority.first_choice_share),
                    _number(priority.top_three_share),
                    _number(priority.mean_rank),
                    priority.schulze_rank,
                    "",
                ]
            )
    return "\ufeff" + buffer.getvalue()
