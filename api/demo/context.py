"""The demo's CBS files: Welvaartstad's photo and population, imported like a coordinator would."""

from pathlib import Path

from sqlmodel import Session

from api.context import service as context
from api.municipalities.models import Municipality

DATA_DIR = Path(__file__).with_name("data")
POPULATION_YEAR = 2024


def load_demo_context(db: Session, *, municipality: Municipality) -> None:
    """Import the demo's indicator and population files, unless they are in already."""
    assert municipality.id is not None
    if not context.has_wellbeing_figures(db, municipality_id=municipality.id):
        context.import_wellbeing(
            db,
            municipality=municipality,
            indicators=(
                DATA_DIR / "welvaartstad-monitor-brede-welvaart-regionaal.csv"
            ).read_bytes(),
            areas=(DATA_DIR / "welvaartstad-gebieden-in-nederland-2024.csv").read_bytes(),
        )
    if not context.has_population_figures(db, municipality_id=municipality.id):
        context.import_population(
            db,
            municipality=municipality,
            data=(DATA_DIR / "welvaartstad-kwb-2024-statline.json").read_bytes(),
            year=POPULATION_YEAR,
        )
