"""Project paths, built from the package location so notebooks run from any directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # lai_chau/ (this file is lai_chau/base/)
ROOT = Path(os.environ.get("LAI_CHAU_ROOT", PACKAGE.parent)).resolve()
DATA = Path(os.environ.get("LAI_CHAU_DATA", ROOT / "data")).resolve()
SEEDS = Path(os.environ.get("LAI_CHAU_SEEDS", ROOT / "seeds")).resolve()
NOTEBOOKS = ROOT / "notebooks"
REPORTS = Path(os.environ.get("LAI_CHAU_REPORTS", ROOT / "reports")).resolve()
TEMPLATES = PACKAGE / "templates"
# One interface-text catalogue per report language (LAI_CHAU_LOCALES: another folder of them).
LOCALES = Path(os.environ.get("LAI_CHAU_LOCALES", PACKAGE / "present" / "locales")).resolve()

SEED = SEEDS / "lai-chau-h1-2022-conference.vi.txt"
SENTENCES = SEEDS / "lai-chau-h1-2022-conference.sentences.csv"
DATAPACKAGE = DATA / "datapackage.json"


def data_file(name: str) -> Path:
    """Path of a file in the data directory (honours LAI_CHAU_DATA)."""
    return DATA / name
