"""The printable paper ballot of a session: A4, large type, black on white, one copy per language.

The HTML copies are in Dutch, English and Arabic (right to left); the PDF holds the Dutch and
English ones only, since its fonts cannot shape Arabic. The dialogue's own texts (question,
priorities, buurten) are printed as they are, in Dutch.
"""

import io
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlmodel import Session

from api.core.config import Settings
from api.dialogues import service as dialogues
from api.municipalities import service as municipalities
from api.municipalities.models import NeighbourhoodKind
from api.pledges.models import PledgeKind
from api.sessions.ballot_box import AgeBand
from api.sessions.models import CheckInMode, DialogueSession
from api.sessions.qr import qr_matrix, qr_svg_element
from api.sessions.service import check_in_url
from api.venues import service as venues

# Beyond this many buurten the ballot asks to write the buurt in, rather than tick one.
MAX_LISTED_BUURTEN = 24


class PaperLanguage(StrEnum):
    """The languages a paper ballot can be printed in."""

    NL = "nl"
    EN = "en"
    AR = "ar"


PDF_LANGUAGES = (PaperLanguage.NL, PaperLanguage.EN)


@dataclass(frozen=True)
class PaperTexts:
    """The dialogue's own texts on one copy, and the language they are in."""

    dialogue_title: str
    dialogue_description: str
    venue_name: str
    priorities: list[str]
    language: str = "nl"


@dataclass(frozen=True)
class PaperBallot:
    """What a session's paper ballot shows."""

    municipality_name: str
    dialogue_title: str
    dialogue_description: str
    venue_name: str
    priorities: list[str]
    buurten: list[str]
    check_in_url: str | None  # None when the session's code rotates: scan the screen instead
    join_page_url: str
    join_code: str | None
    min_group_size: int
    contact_retention_days: int
    translations: dict[str, PaperTexts] = field(default_factory=dict)
    """The dialogue's texts in other languages, where the dialogue and every priority have one."""

    def texts_in(self, language: "PaperLanguage") -> PaperTexts:
        """The dialogue's texts for a copy in `language`: translated, or else the Dutch."""
        return self.translations.get(language.value) or PaperTexts(
            self.dialogue_title, self.dialogue_description, self.venue_name, self.priorities
        )


def translated_texts(
    *,
    dialogue: dict[str, Any] | None,
    priorities: list[dict[str, Any] | None],
    venue_name: str,
    venue: dict[str, Any] | None,
) -> dict[str, PaperTexts]:
    """The copies' texts per language from the stored translations: only languages into which
    the dialogue's title and every priority are translated (a copy never mixes languages)."""
    texts = {}
    for language in (PaperLanguage.EN, PaperLanguage.AR):
        code = language.value
        titles = [(p or {}).get(code, {}).get("title") for p in priorities]
        own = (dialogue or {}).get(code) or {}
        if not own.get("title") or not all(titles):
            continue
        texts[code] = PaperTexts(
            dialogue_title=own["title"],
            dialogue_description=own.get("description") or "",
            venue_name=((venue or {}).get(code) or {}).get("name") or venue_name,
            priorities=[str(title) for title in titles],
            language=code,
        )
    return texts


_TEXTS: dict[PaperLanguage, dict[str, str]] = {
    PaperLanguage.NL: {
        "kind": "Stembiljet",
        "rankTitle": "1. Wat vind jij het belangrijkst?",
        "rankHow": "Zet een 1 in het vakje bij wat je het belangrijkst vindt, een 2 bij het "
        "volgende, en zo verder. Elk nummer één keer. Je top 3 is genoeg; meer mag ook.",
        "boxFor": "Nummer voor",
        "dialogueTexts": "",
        "buurtTitle": "2. In welke buurt woon je?",
        "buurtHow": "Zet een kruisje bij één buurt. Je mag dit overslaan.",
        "buurtWrite": "Schrijf de naam van je buurt op. Je mag dit overslaan.",
        "buurtLine": "Mijn buurt:",
        "ageTitle": "3. Hoe oud ben je?",
        "ageHow": "Zet een kruisje bij één groep. Je mag dit overslaan.",
        "pledgeTitle": "4. Wil je zelf iets doen? (mag je overslaan)",
        "pledgeKind": "Wat wil je geven? Zet een kruisje.",
        "hours": "Hoeveel uur per maand?",
        "hoursUnit": "uur per maand",
        "pledgeText": "Vertel er iets over (geen namen van andere mensen):",
        "consent": "Ja, de gemeente mag contact met mij opnemen over wat ik aanbied.",
        "contact": "Je e-mailadres of telefoonnummer:",
        "contactPrivacy": "Alleen als je het vakje aankruist, schrijf je dit op. We bewaren je "
        "contactgegevens apart van je antwoorden: niemand kan ze aan je stem koppelen. We "
        "gebruiken ze alleen om je over je aanbod te bellen of te mailen, en wissen ze "
        "{days} dagen na het einde van de dialoog.",
        "phoneTitle": "Liever op je telefoon?",
        "phoneQr": "Scan deze QR-code zolang de bijeenkomst open is. Geen scanner? Ga naar "
        "{url} en typ de code {code}. Vul dan niet ook dit papier in.",
        "phoneRotating": "Scan de QR-code op het scherm in de zaal zolang de bijeenkomst open "
        "is. Vul dan niet ook dit papier in.",
        "qrLabel": "QR-code naar {url}",
        "privacy": "Privacy: we vragen niet je naam. Niemand ziet jouw antwoorden los: we "
        "tonen alleen uitkomsten van groepen van minstens {min} mensen. Geef dit papier aan "
        "de begeleider; die typt het over.",
        "tick": "Vakje om aan te kruisen",
        "ageBand.12-17": "12 tot en met 17 jaar",
        "ageBand.18-24": "18 tot en met 24 jaar",
        "ageBand.25-44": "25 tot en met 44 jaar",
        "ageBand.45-64": "45 tot en met 64 jaar",
        "ageBand.65+": "65 jaar of ouder",
        "pledge.time": "Tijd",
        "pledge.skill": "Kennis of talent",
        "pledge.space": "Een plek",
        "pledge.materials": "Spullen",
        "pledge.network": "Contacten",
        "pledge.other": "Iets anders",
    },
    PaperLanguage.EN: {
        "kind": "Ballot",
        "rankTitle": "1. What matters most to you?",
        "rankHow": "Write 1 in the box next to what matters most to you, 2 next to the "
        "next one, and so on. Use each number once. Your top 3 is enough; more is fine too.",
        "boxFor": "Number for",
        "dialogueTexts": "The question and the topics are in Dutch, as the municipality "
        "wrote them.",
        "buurtTitle": "2. Which neighbourhood do you live in?",
        "buurtHow": "Put a cross next to one neighbourhood. You may skip this.",
        "buurtWrite": "Write down the name of your neighbourhood. You may skip this.",
        "buurtLine": "My neighbourhood:",
        "ageTitle": "3. How old are you?",
        "ageHow": "Put a cross next to one group. You may skip this.",
        "pledgeTitle": "4. Do you want to do something yourself? (you may skip this)",
        "pledgeKind": "What do you want to give? Put a cross.",
        "hours": "How many hours a month?",
        "hoursUnit": "hours a month",
        "pledgeText": "Tell us a bit about it (no names of other people):",
        "consent": "Yes, the municipality may contact me about what I offer.",
        "contact": "Your e-mail address or phone number:",
        "contactPrivacy": "Only write this down if you tick the box. We keep your contact "
        "details apart from your answers: nobody can link them to your vote. We only use "
        "them to call or e-mail you about your offer, and delete them {days} days after the "
        "dialogue ends.",
        "phoneTitle": "Rather use your phone?",
        "phoneQr": "Scan this QR code while the meeting is open. No scanner? Go to {url} and "
        "type the code {code}. Then do not fill in this paper as well.",
        "phoneRotating": "Scan the QR code on the screen in the room while the meeting is "
        "open. Then do not fill in this paper as well.",
        "qrLabel": "QR code to {url}",
        "privacy": "Privacy: we do not ask for your name. Nobody sees your answers on their "
        "own: we only show results of groups of at least {min} people. Give this paper to the "
        "facilitator, who types it in.",
        "tick": "Box to tick",
        "ageBand.12-17": "12 to 17 years",
        "ageBand.18-24": "18 to 24 years",
        "ageBand.25-44": "25 to 44 years",
        "ageBand.45-64": "45 to 64 years",
        "ageBand.65+": "65 years or older",
        "pledge.time": "Time",
        "pledge.skill": "Knowledge or talent",
        "pledge.space": "A place",
        "pledge.materials": "Things",
        "pledge.network": "Contacts",
        "pledge.other": "Something else",
    },
    PaperLanguage.AR: {
        "kind": "ورقة التصويت",
        "rankTitle": "1. ما هو الأهم بالنسبة لك؟",
        "rankHow": "اكتب 1 في المربع بجانب الأهم بالنسبة لك، و2 بجانب التالي، وهكذا. استخدم "
        "كل رقم مرة واحدة. يكفي أهم 3؛ ويمكنك اختيار أكثر.",
        "boxFor": "رقم لـ",
        "dialogueTexts": "السؤال والمواضيع باللغة الهولندية كما كتبتها البلدية.",
        "buurtTitle": "2. في أي حيّ تسكن؟",
        "buurtHow": "ضع علامة بجانب حيّ واحد. يمكنك تخطي هذا.",
        "buurtWrite": "اكتب اسم حيّك. يمكنك تخطي هذا.",
        "buurtLine": "حيّي:",
        "ageTitle": "3. كم عمرك؟",
        "ageHow": "ضع علامة بجانب فئة واحدة. يمكنك تخطي هذا.",
        "pledgeTitle": "4. هل تريد أن تفعل شيئًا بنفسك؟ (يمكنك تخطي هذا)",
        "pledgeKind": "ماذا تريد أن تعطي؟ ضع علامة.",
        "hours": "كم ساعة في الشهر؟",
        "hoursUnit": "ساعة في الشهر",
        "pledgeText": "أخبرنا قليلًا عنه (بدون أسماء أشخاص آخرين):",
        "consent": "نعم، يمكن للبلدية أن تتواصل معي بخصوص ما أقدّمه.",
        "contact": "بريدك الإلكتروني أو رقم هاتفك:",
        "contactPrivacy": "اكتب هذا فقط إذا وضعت علامة في المربع. نحفظ بيانات الاتصال بعيدًا "
        "عن إجاباتك: لا يمكن لأحد أن يربطها بصوتك. نستخدمها فقط لنتصل بك بخصوص ما تقدّمه، "
        "ونحذفها بعد {days} يومًا من نهاية الحوار.",
        "phoneTitle": "هل تفضّل استخدام هاتفك؟",
        "phoneQr": "امسح رمز QR هذا ما دام اللقاء مفتوحًا. لا يوجد ماسح؟ اذهب إلى {url} واكتب "
        "الرمز {code}. ولا تملأ هذه الورقة أيضًا.",
        "phoneRotating": "امسح رمز QR على الشاشة في القاعة ما دام اللقاء مفتوحًا. ولا تملأ هذه "
        "الورقة أيضًا.",
        "qrLabel": "رمز QR إلى {url}",
        "privacy": "الخصوصية: لا نسألك عن اسمك. لا أحد يرى إجاباتك وحدها: نعرض فقط نتائج "
        "مجموعات من {min} أشخاص على الأقل. أعطِ هذه الورقة للمنسّق، وهو يُدخلها.",
        "tick": "مربع للتأشير",
        "ageBand.12-17": "من 12 إلى 17 سنة",
        "ageBand.18-24": "من 18 إلى 24 سنة",
        "ageBand.25-44": "من 25 إلى 44 سنة",
        "ageBand.45-64": "من 45 إلى 64 سنة",
        "ageBand.65+": "65 سنة أو أكثر",
        "pledge.time": "وقت",
        "pledge.skill": "معرفة أو موهبة",
        "pledge.space": "مكان",
        "pledge.materials": "أغراض",
        "pledge.network": "علاقات",
        "pledge.other": "شيء آخر",
    },
}

_CSS = """
  @page { size: A4 portrait; margin: 12mm; }
  * { box-sizing: border-box; }
  body { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; color: #000;
         background: #fff; margin: 0; font-size: 13pt; line-height: 1.35; }
  .copy { width: 186mm; margin: 0 auto; }
  .copy + .copy { break-before: page; page-break-before: always; }
  header { border-bottom: 1mm solid #000; padding-bottom: 2mm; margin-bottom: 3mm; }
  .municipality { font-size: 12pt; margin: 0; }
  h1 { font-size: 20pt; line-height: 1.2; margin: 1mm 0 0; }
  .question { margin: 1mm 0 0; }
  h2 { font-size: 15pt; margin: 4mm 0 1mm; }
  p { margin: 0 0 1.5mm; }
  .how { font-weight: 700; }
  .note { font-style: italic; }
  ul { list-style: none; margin: 0; padding: 0; }
  .priorities li { display: flex; align-items: center; gap: 4mm; padding: 1.2mm 0;
                   border-bottom: 0.3mm solid #000; break-inside: avoid; }
  .number { flex: none; width: 13mm; height: 11mm; border: 0.7mm solid #000; }
  .ticks { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1.5mm 4mm; }
  .ticks li { display: flex; align-items: center; gap: 2.5mm; break-inside: avoid; }
  .tick { flex: none; width: 6.5mm; height: 6.5mm; border: 0.6mm solid #000; }
  .line { display: flex; align-items: flex-end; gap: 2mm; margin: 2mm 0; }
  .line span.fill { flex: 1; border-bottom: 0.4mm solid #000; height: 8mm; }
  .line span.short { flex: none; width: 22mm; border-bottom: 0.4mm solid #000; height: 8mm; }
  .pledge { border: 0.6mm solid #000; padding: 2mm 3mm; margin-top: 2mm; break-inside: avoid; }
  .pledge h2 { margin-top: 0; }
  .consent { display: flex; align-items: flex-start; gap: 2.5mm; margin-top: 2mm; }
  .small { font-size: 11pt; }
  footer { display: flex; gap: 5mm; align-items: center; border-top: 1mm solid #000;
           margin-top: 4mm; padding-top: 3mm; break-inside: avoid; }
  .qr { flex: none; width: 36mm; height: 36mm; }
  .qr svg { width: 36mm; height: 36mm; }
  [dir="rtl"] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Arial,
                sans-serif; }
  @media screen { body { background: #fff; padding: 6mm 0; }
                  .copy { border: 0.3mm solid #000; padding: 8mm; margin-bottom: 8mm; } }
"""


def _t(language: PaperLanguage, key: str, **values: object) -> str:
    return _TEXTS[language][key].format(**values)


def _ticks(language: PaperLanguage, labels: list[str], *, dutch: bool = False) -> str:
    tick = escape(_t(language, "tick"))
    wrap = (lambda s: f'<bdi lang="nl">{escape(s)}</bdi>') if dutch else escape
    items = "".join(
        f'<li><span class="tick" role="img" aria-label="{tick}"></span>'
        f"<span>{wrap(label)}</span></li>"
        for label in labels
    )
    return f'<ul class="ticks">{items}</ul>'


def _copy_html(ballot: PaperBallot, language: PaperLanguage) -> str:
    t = lambda key, **values: escape(_t(language, key, **values))  # noqa: E731
    rtl = language is PaperLanguage.AR
    lang_attrs = f'lang="{language.value}" dir="{"rtl" if rtl else "ltr"}"'
    section_id = f"copy-{language.value}"
    texts = ballot.texts_in(language)
    in_dutch = texts.language == "nl" and language is not PaperLanguage.NL
    dutch_note = f'<p class="note">{t("dialogueTexts")}</p>' if in_dutch else ""
    text_lang = f'lang="{texts.language}" dir="auto"'
    description = (
        f'<p class="question" {text_lang}>{escape(texts.dialogue_description)}</p>'
        if texts.dialogue_description
        else ""
    )
    box_for = t("boxFor")
    priorities = "".join(
        f'<li><span class="number" role="img" aria-label="{box_for} {escape(title)}"></span>'
        f"<span {text_lang}>{escape(title)}</span></li>"
        for title in texts.priorities
    )
    if ballot.buurten and len(ballot.buurten) <= MAX_LISTED_BUURTEN:
        buurt = f'<p class="how">{t("buurtHow")}</p>{_ticks(language, ballot.buurten, dutch=True)}'
    else:
        buurt = (
            f'<p class="how">{t("buurtWrite")}</p>'
            f'<p class="line"><span>{t("buurtLine")}</span><span class="fill"></span></p>'
        )
    ages = _ticks(language, [_t(language, f"ageBand.{band.value}") for band in AgeBand])
    kinds = _ticks(language, [_t(language, f"pledge.{kind.value}") for kind in PledgeKind])
    if ballot.check_in_url and ballot.join_code:
        qr = (
            f'<div class="qr" role="img" aria-label="{t("qrLabel", url=ballot.check_in_url)}">'
            f"{qr_svg_element(ballot.check_in_url)}</div>"
        )
        phone = t("phoneQr", url=ballot.join_page_url, code=ballot.join_code)
    else:
        qr, phone = "", t("phoneRotating")
    return f"""<section class="copy" id="{section_id}" {lang_attrs}
  aria-labelledby="{section_id}-title">
<header>
  <p class="municipality" {text_lang}>{escape(ballot.municipality_name)} · \
{escape(texts.venue_name)}</p>
  <h1 id="{section_id}-title"><span>{t("kind")}:</span>
    <bdi lang="{texts.language}">{escape(texts.dialogue_title)}</bdi></h1>
  {description}
</header>
<h2>{t("rankTitle")}</h2>
<p class="how">{t("rankHow")}</p>
{dutch_note}
<ul class="priorities">{priorities}</ul>
<h2>{t("buurtTitle")}</h2>
{buurt}
<h2>{t("ageTitle")}</h2>
<p class="how">{t("ageHow")}</p>
{ages}
<div class="pledge">
  <h2>{t("pledgeTitle")}</h2>
  <p class="how">{t("pledgeKind")}</p>
  {kinds}
  <p class="line"><span>{t("hours")}</span><span class="short"></span>
    <span>{t("hoursUnit")}</span></p>
  <p>{t("pledgeText")}</p>
  <p class="line"><span class="fill"></span></p>
  <p class="line"><span class="fill"></span></p>
  <p class="consent"><span class="tick" role="img" aria-label="{t("tick")}"></span>
    <span><strong>{t("consent")}</strong></span></p>
  <p class="line"><span>{t("contact")}</span><span class="fill"></span></p>
  <p class="small">{t("contactPrivacy", days=ballot.contact_retention_days)}</p>
</div>
<footer>
  {qr}
  <div>
    <p><strong>{t("phoneTitle")}</strong> {phone}</p>
    <p class="small">{t("privacy", min=ballot.min_group_size)}</p>
  </div>
</footer>
</section>"""


def paper_ballot_html(ballot: PaperBallot, *, languages: list[PaperLanguage]) -> str:
    """A self-contained HTML page: one copy per language, each starting on a new A4 sheet."""
    copies = "\n".join(_copy_html(ballot, language) for language in languages)
    return f"""<!doctype html>
<html lang="{languages[0].value}" dir="{"rtl" if languages[0] is PaperLanguage.AR else "ltr"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(_t(languages[0], "kind"))} – {escape(ballot.dialogue_title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
{copies}
</main>
</body>
</html>
"""


class _Box(Flowable):
    """An empty square to write a number in or tick."""

    def __init__(self, size: float, line: float) -> None:
        super().__init__()
        self.size, self.line = size, line
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setLineWidth(self.line)
        self.canv.rect(0, 0, self.size, self.size)


class _Qr(Flowable):
    """The session's QR code, drawn module by module (sharp on any printer)."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.matrix = qr_matrix(url)
        self.width = self.height = size

    def draw(self) -> None:
        cells = len(self.matrix)
        step = self.width / cells
        self.canv.setFillColor(colors.black)
        for row, line in enumerate(self.matrix):
            for column, dark in enumerate(line):
                if dark:
                    y = self.height - (row + 1) * step
                    self.canv.rect(column * step, y, step, step, stroke=0, fill=1)


def _fonts() -> tuple[str, str]:
    """Bitstream Vera, shipped with reportlab: Unicode Latin text without system fonts."""
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    return "Vera", "VeraBd"


def paper_ballot_pdf(ballot: PaperBallot, *, languages: list[PaperLanguage]) -> bytes:
    """The same ballot as a PDF (Dutch and English copies only)."""
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=12.5, leading=16)
    strong = ParagraphStyle("strong", parent=body, fontName=bold)
    small = ParagraphStyle("small", parent=body, fontSize=10.5, leading=13.5)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=19, leading=23)
    heading = ParagraphStyle(
        "heading", parent=body, fontName=bold, fontSize=14.5, leading=18, spaceBefore=10
    )
    width = A4[0] - 24 * mm

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def ticks(labels: list[str]) -> Table:
        cells = [[_Box(6 * mm, 1.5), para(label)] for label in labels]
        rows = [sum(cells[i : i + 3], []) for i in range(0, len(cells), 3)]
        rows[-1] += [""] * (6 - len(rows[-1]))
        column = width / 3
        table = Table(rows, colWidths=[8 * mm, column - 8 * mm] * 3)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return table

    def line(label: str | None, fill: float) -> Table:
        """A line to write on, after its label (a whole empty line without one)."""
        if label is None:
            table = Table([[""]], colWidths=[width], rowHeights=[9 * mm])
        else:
            table = Table([[para(label), ""]], colWidths=[width - fill, fill], rowHeights=[9 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (-1, 0), (-1, 0), 1, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ]
            )
        )
        return table

    story: list[Flowable] = []
    for index, language in enumerate(languages):
        t = partial(_t, language)
        texts = ballot.texts_in(language)
        if index:
            story.append(PageBreak())
        story += [
            para(f"{ballot.municipality_name} · {texts.venue_name}", small),
            para(f"{t('kind')}: {texts.dialogue_title}", title),
        ]
        if texts.dialogue_description:
            story.append(para(texts.dialogue_description))
        story += [para(t("rankTitle"), heading), para(t("rankHow"), strong)]
        if texts.language == "nl" and language is not PaperLanguage.NL:
            story.append(para(t("dialogueTexts"), small))
        rows = [[_Box(11 * mm, 2), para(priority)] for priority in texts.priorities]
        table = Table(rows, colWidths=[16 * mm, width - 16 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.75, colors.black),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story += [table, para(t("buurtTitle"), heading)]
        if ballot.buurten and len(ballot.buurten) <= MAX_LISTED_BUURTEN:
            story += [para(t("buurtHow"), strong), ticks(ballot.buurten)]
        else:
            story += [para(t("buurtWrite"), strong), line(t("buurtLine"), width * 0.7)]
        story += [
            para(t("ageTitle"), heading),
            para(t("ageHow"), strong),
            ticks([t(f"ageBand.{band.value}") for band in AgeBand]),
        ]
        pledge = [
            para(t("pledgeTitle"), heading),
            para(t("pledgeKind"), strong),
            ticks([t(f"pledge.{kind.value}") for kind in PledgeKind]),
            line(f"{t('hours')} ({t('hoursUnit')})", 30 * mm),
            para(t("pledgeText")),
            line(None, width),
            line(None, width),
            Spacer(1, 3 * mm),
            Table(
                [[_Box(6 * mm, 1.5), para(t("consent"), strong)]],
                colWidths=[8 * mm, width - 8 * mm],
                style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
            ),
            line(t("contact"), width * 0.55),
            para(t("contactPrivacy", days=ballot.contact_retention_days), small),
        ]
        story.append(KeepTogether(pledge))
        if ballot.check_in_url and ballot.join_code:
            phone = t("phoneQr", url=ballot.join_page_url, code=ballot.join_code)
            qr: Flowable | str = _Qr(ballot.check_in_url, 34 * mm)
        else:
            phone, qr = t("phoneRotating"), ""
        footer = Table(
            [
                [
                    qr,
                    [
                        para(f"{t('phoneTitle')} {phone}", strong),
                        Spacer(1, 2 * mm),
                        para(t("privacy", min=ballot.min_group_size), small),
                    ],
                ]
            ],
            colWidths=[38 * mm, width - 38 * mm],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEABOVE", (0, 0), (-1, 0), 2, colors.black),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                ]
            ),
        )
        story += [Spacer(1, 4 * mm), KeepTogether([footer])]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{_t(languages[0], 'kind')} – {ballot.dialogue_title}",
        author=ballot.municipality_name,
    )
    document.build(story)
    return buffer.getvalue()


def paper_ballot_of(
    db: Session, *, row: DialogueSession, settings: Settings, public_url: str
) -> PaperBallot:
    """What the session's paper ballot shows (the session's access is checked already)."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=row.dialogue_id, actor=None)
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    buurten = sorted(
        n.name
        for n in municipalities.list_neighbourhoods(db, municipality=municipality)
        if n.kind is NeighbourhoodKind.BUURT
    )
    rotating = row.check_in_mode is CheckInMode.ROTATING
    venue = venues.get_venue(db, venue_id=row.venue_id)
    priorities = dialogues.priorities_of(db, dialogue_id=row.dialogue_id)
    return PaperBallot(
        municipality_name=municipality.name,
        dialogue_title=dialogue.title,
        dialogue_description=dialogue.description,
        venue_name=venue.name,
        priorities=[p.title for p in priorities],
        translations=translated_texts(
            dialogue=dialogue.translations,
            priorities=[p.translations for p in priorities],
            venue_name=venue.name,
            venue=venue.translations,
        ),
        buurten=buurten,
        check_in_url=None if rotating else check_in_url(public_url, row.join_code),
        join_page_url=f"{public_url}/c",
        join_code=None if rotating else row.join_code,
        min_group_size=municipality.min_group_size,
        contact_retention_days=municipalities.retention_days_of(
            municipality, default_days=settings.contact_retention_days
        ),
    )
