"""The check of the article's claims: a card per claim with its verdict and evidence, then what
the article leaves out."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd

from lai_chau.base.errors import unknown
from lai_chau.present import verdicts as verdict_words
from lai_chau.present.i18n import (
    check_lang,
    text,
)
from lai_chau.present.pages.common import Page, _ids, _table
from lai_chau.present.report import Block, Blocks, data_table, heading, paragraph


def verdict_badge(verdict: str, lang: str) -> str:
    """HTML of a verdict's badge: its word in `lang`, coloured by verdict."""
    from lai_chau.analysis.claims import VERDICTS

    if verdict not in VERDICTS:
        raise unknown("verdict", verdict, VERDICTS)
    return (f'<span class="lc-badge lc-badge-{verdict}">'
            f"{html.escape(text(f'verdict_{verdict}', lang))}</span>")


def claim_card(row: Any, lang: str, quote: str | None = None) -> Block:
    """One claim (or omission): the claim, its verdict and what it means, in English reports
    the article's own words (`quote`), the evidence and the ids of its sources, each linked to
    the page's list of sources. In Vietnamese reports a claim is the article's own words, shown
    in quotation marks."""
    lang = check_lang(lang)
    verdict = str(row["verdict"])
    meaning = text(f"meaning_{verdict}", lang)
    ids = _ids([row["sources"]])
    claim = str(row["claim"])
    if lang == "vi" and row.get("kind") == "claim":
        claim = f"“{claim}”"
    parts = [
        f'<div class="lc-claim lc-verdict-{html.escape(verdict)}" '
        f'id="claim-{html.escape(str(row["id"]))}">',
        f"<h3>{html.escape(claim)}</h3>",
        f'<p class="lc-verdict">{verdict_badge(verdict, lang)} {html.escape(meaning)}</p>',
    ]
    plain = [claim, f"  {text('verdict', lang)}: "
                                f"{text(f'verdict_{verdict}', lang)} ({meaning})"]
    if quote:
        parts.append(f'<blockquote lang="vi"><span class="lc-caption">'
                     f"{html.escape(text('article_words', lang))}:</span> "
                     f"“{html.escape(quote)}”</blockquote>")
        plain.append(f"  “{quote}”")
    parts.append(f'<p><span class="lc-caption">{html.escape(text("evidence", lang))}:</span> '
                 f"{html.escape(str(row['evidence']))}</p>")
    plain.append(f"  {text('evidence', lang)}: {row['evidence']}")
    if ids:
        label = text("source" if len(ids) == 1 else "sources", lang)
        links = ", ".join(f'<a href="#source-{html.escape(i, quote=True)}">[{html.escape(i)}]</a>'
                          for i in ids)
        parts.append(f'<p class="lc-cited">{html.escape(label)}: {links}</p>')
        plain.append(f"  {label}: {', '.join(ids)}")
    parts.append("</div>")
    return Block("\n".join(parts), "\n".join(plain))


def chosen(table: pd.DataFrame, verdicts: Sequence[str] | None = None,
           omitted: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the claims with one of `verdicts`, the `omitted_` rows or none) of a verdict table."""
    from lai_chau.analysis import claims

    picked = list(claims.VERDICTS if verdicts is None else verdicts)
    for verdict in picked:
        if verdict not in claims.VERDICTS:
            raise unknown("verdict", verdict, claims.VERDICTS)
    said = table[(table["kind"] == "claim") & table["verdict"].isin(picked)]
    left_out = table[table["kind"] == "omitted"] if omitted else table.iloc[0:0]
    return said, left_out


def counts(table: pd.DataFrame, lang: str, omitted: bool = True) -> Blocks:
    """How many claims got each verdict, with what each verdict means."""
    from lai_chau.analysis import claims

    lang = check_lang(lang)
    rows = []
    for verdict in claims.VERDICTS:
        n = int((table.loc[table["kind"] == "claim", "verdict"] == verdict).sum())
        rows.append({text("verdict", lang): text(f"verdict_{verdict}", lang),
                     text("meaning", lang): text(f"meaning_{verdict}", lang),
                     text("claims_count", lang): str(n)})
    if omitted:
        rows.append({text("verdict", lang): text("omitted_count", lang),
                     text("meaning", lang): "",
                     text("claims_count", lang): str(int((table["kind"] == "omitted").sum()))})
    return Blocks([heading(text("verdicts_heading", lang), 2), _table(lang, rows)])


def verdict_chart(table: pd.DataFrame, lang: str) -> Any:
    """The claims by verdict, one bar each (the counts table as a chart)."""
    import altair as alt

    from lai_chau.analysis import claims
    from lai_chau.present.charts import PALETTE, WIDTH, _describe, _finish, _title

    lang = check_lang(lang)
    said = table[table["kind"] == "claim"]
    rows = pd.DataFrame({
        "verdict": [text(f"verdict_{v}", lang) for v in claims.VERDICTS],
        "count": [int((said["verdict"] == v).sum()) for v in claims.VERDICTS],
    })
    title = text("verdicts_chart", lang)
    chart = alt.Chart(rows).mark_bar().encode(
        y=alt.Y("verdict:N", sort=list(rows["verdict"]), title=None),
        x=alt.X("count:Q", title=text("claims_count", lang), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("verdict:N", legend=None, scale=alt.Scale(
            domain=list(rows["verdict"]), range=PALETTE[:len(rows)])),
        tooltip=[alt.Tooltip("verdict:N", title=text("verdict", lang)),
                 alt.Tooltip("count:Q", title=text("claims_count", lang))],
    ).properties(title=_title(title, ["article"], lang), width=WIDTH - 200)
    return _finish(chart, lang, _describe("chart_bars", title, (
        f"{r.verdict}: {r.count}" for r in rows.itertuples()), lang))


def glance(said: pd.DataFrame, lang: str) -> Blocks:
    """The claims at a glance: each claim's topic, verdict, the figures it rests on and how
    many sources its evidence cites."""
    lang = check_lang(lang)
    return Blocks([heading(text("glance_heading", lang), 2), _table(lang, [{
        text("id", lang): str(r.id),
        text("verdict", lang): text(f"verdict_{r.verdict}", lang),
        text("figures_col", lang): str(r.figure_ids or "—").replace(";", ", "),
        text("sources_count", lang): str(len(_ids([r.sources]))),
    } for r in said.itertuples()])])


def cards(said: pd.DataFrame, lang: str) -> Blocks:
    """One card per claim: the quote (and its English, for an English reader), the verdict, the
    evidence and its sources."""
    from lai_chau.data.validate import load

    lang = check_lang(lang)
    quotes = load("claims").set_index("id")["quote"]
    out = Blocks([heading(text("claims_heading", lang), 2)], _ids(said["sources"]))
    if said.empty:
        out.append(paragraph(text("no_claims", lang)))
    for _, row in said.iterrows():
        quote = str(quotes[row["id"]]) if lang != "vi" and row["id"] in quotes.index else None
        out.append(claim_card(row, lang, quote))
    return out


def left_out(rows: pd.DataFrame, lang: str) -> Blocks:
    """What the article leaves out: where Lai Châu is below the national figure."""
    lang = check_lang(lang)
    if rows.empty:
        return Blocks()
    return Blocks([heading(text("omitted_heading", lang), 2),
                   paragraph(text("omitted_intro", lang)),
                   *(claim_card(row, lang) for _, row in rows.iterrows())], _ids(rows["sources"]))


def headline(said: pd.DataFrame, omitted_rows: pd.DataFrame, lang: str) -> str:
    """The headline table nbval compares: each claim (and omission) shown and its verdict."""
    lang = check_lang(lang)
    return data_table([{
        text("id", lang): str(r.id),
        text("verdict", lang): text(f"verdict_{r.verdict}", lang),
    } for r in pd.concat([said, omitted_rows]).itertuples()]).plain


def claims_page(lang: str, verdicts: Sequence[str] | None = None,
                omitted: bool = True) -> Page:
    """Every claim with its verdict, evidence and sources, then what the article leaves out
    (lai_chau.analysis.claims' `omitted_` rows: where Lai Châu is below the national figure)."""
    lang = check_lang(lang)
    table = verdict_words.claims(lang)
    said, omitted_rows = chosen(table, verdicts, omitted)
    blocks: list[Any] = [*counts(table, lang, omitted), verdict_chart(table, lang),
                         *glance(said, lang), *cards(said, lang),
                         *left_out(omitted_rows, lang)]
    shown = pd.concat([said, omitted_rows])
    return Page(lang, blocks, headline(said, omitted_rows, lang), _ids(shown["sources"]))
