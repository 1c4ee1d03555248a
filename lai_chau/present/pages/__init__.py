"""The reports after the overview, as blocks and charts: Lai Châu against Vietnam, against its
past and its 2022 plan, against its region, and the check of the article's claims.

Each page function returns a Page: what the report shows after its title (report blocks and
Altair charts, in order), its headline figures as a plain-text table (the cell nbval compares)
and the ids of the sources it cites. Numbers come from lai_chau.analysis.compare /
lai_chau.analysis.claims and the
data files, formatted for the reader (lai_chau.data.units.Quantity.format); interface words from
lai_chau.present.i18n; every text from data is escaped by the report blocks.
"""

from lai_chau.present.pages.claims import claim_card, claims_page, verdict_badge
from lai_chau.present.pages.common import (
    Page,
    _mid,
    bounds_verdict,
    gap_text,
    quantity_text,
    readable,
    signed_text,
)
from lai_chau.present.pages.national import vs_national
from lai_chau.present.pages.prior import _plan_text, history, vs_prior
from lai_chau.present.pages.region import (
    ASSUMPTIONS,
    assumption_text,
    peers,
    rank_rows,
    vs_region,
)

__all__ = [
    "ASSUMPTIONS", "Page", "_mid", "_plan_text", "assumption_text", "bounds_verdict",
    "claim_card", "claims_page", "gap_text", "history", "peers", "quantity_text", "rank_rows",
    "readable", "signed_text", "verdict_badge", "vs_national", "vs_prior", "vs_region",
]
