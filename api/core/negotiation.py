"""Reading `Accept` and `Accept-Language` headers: their ranges and the weights given them."""


def weighted_ranges(header: str | None) -> list[tuple[float, str]]:
    """The ranges of an Accept-style header with their weights (RFC 9110 12.4.2), lower case.

    A range with an unreadable weight, or one outside 0…1, is left out: not trusted.
    """
    ranges = []
    for part in (header or "").split(","):
        tag, *parameters = (piece.strip() for piece in part.split(";"))
        if not tag:
            continue
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = -1.0
        if 0 <= weight <= 1:
            ranges.append((weight, tag.lower()))
    return ranges


def prefers_pdf(accept: str | None) -> bool:
    """Whether an Accept header prefers a PDF to HTML (HTML when it says nothing)."""
    weights = {media: weight for weight, media in weighted_ranges(accept)}
    pdf = weights.get("application/pdf", 0.0)
    html = max(weights.get("text/html", 0.0), weights.get("text/*", 0.0), weights.get("*/*", 0.0))
    return pdf > 0 and pdf > html
