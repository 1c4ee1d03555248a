"""The `lai-chau` command line: figures, extract, check, compare, ranks, claims, render."""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from lai_chau.analysis.vocabulary import BASELINES, VINTAGES
from lai_chau.present.tables import FORMATS
from lai_chau.sources.numerals import LANGS

# subcommand -> "module:function" that runs it (args -> exit code); the module is imported only
# when used, so `lai-chau figures` never pays for papermill or altair.
COMMANDS = {
    "figures": "lai_chau.cli:figures_command",
    "extract": "lai_chau.cli:extract_command",
    "check": "lai_chau.check:main",
    "draft": "lai_chau.cli:draft_command",
    "compare": "lai_chau.cli:compare_command",
    "ranks": "lai_chau.cli:ranks_command",
    "periods": "lai_chau.cli:periods_command",
    "series": "lai_chau.cli:series_command",
    "claims": "lai_chau.cli:claims_command",
    "render": "lai_chau.render.command:main",  # light when nothing changed
}


def _choice(allowed: Sequence[str], what: str):
    """argparse type that rejects a value with the list of allowed ones."""

    def parse(value: str) -> str:
        if value not in allowed:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {value!r}; expected one of: {', '.join(allowed)}"
            )
        return value

    parse.__name__ = what
    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="lai-chau",
        description="Lai Châu H1-2022: the article's figures, their sources and comparisons.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = {"type": _choice(FORMATS, "format"), "default": "table", "help": "table, csv or json"}
    lang = {"type": _choice(LANGS, "language"), "default": "en", "help": "vi or en"}

    p = sub.add_parser("figures", help="list every figure of the article with its quote and span")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("extract", help="list every numeric mention in a Vietnamese text")
    p.add_argument("path", help="a UTF-8 text file ('-' reads standard input)")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("draft", help="propose data rows for the figures of any Vietnamese report")
    p.add_argument("path", help="a UTF-8 text file ('-' reads standard input)")
    p.add_argument("--period", required=True, metavar="P",
                   help="the report's period: a half-year or full year, e.g. 2025H1, 2021FY")
    p.add_argument("--area", default=None, help="the province the report is about")
    p.add_argument("--unclassified", action="store_true",
                   help="list the mentions no row was proposed for, with the reason")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("check", help="validate every data file, hash and quote")
    p.add_argument(
        "--update-hashes",
        action="store_true",
        help="after a clean check, write the files' sha256 and sizes into data/datapackage.json",
    )

    p = sub.add_parser("compare", help="Lai Châu against a baseline")
    p.add_argument("--baseline", type=_choice(BASELINES, "baseline"), default="national")
    p.add_argument("--id", action="append", metavar="FIGURE_ID",
                   help="only this figure (repeatable)")
    p.add_argument("--vintage", type=_choice(VINTAGES, "vintage"), default="first",
                   help="compare with the national first release (default) or its latest "
                        "restatement")
    p.add_argument("--period", default=None, metavar="P",
                   help="the period compared: the article's (default, 2022H1) or any period "
                        "with Lai Châu figures (lai-chau periods), e.g. 2025H1, 2024FY")
    p.add_argument("--lang", **lang)
    p.add_argument("--format", **fmt)

    p = sub.add_parser("ranks", help="bounds on Lai Châu's GRDP-growth rank, nationally and in "
                                     "its region, and the peers they rest on")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("periods", help="the periods with Lai Châu figures, counted by indicator")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("series", help="Lai Châu's and Vietnam's values of an indicator by period")
    p.add_argument("--indicator", required=True, help="e.g. grdp, gva_services, retail_sales")
    p.add_argument("--measure", default="growth_yoy", help="growth_yoy (default) or rate_of_plan")
    p.add_argument("--vintage", type=_choice(VINTAGES, "vintage"), default="first",
                   help="each period's first release (default) or its latest restatement")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("claims", help="the article's claims with a verdict and the evidence")
    p.add_argument("--lang", **lang)
    p.add_argument("--format", **fmt)

    p = sub.add_parser(
        "render", help="execute the report notebooks and write HTML reports (what changed)",
        description="Render the matrix's reports to HTML, incrementally: a report runs again "
                    "only when its notebook, parameters, title, data, seed texts, the lai_chau "
                    "source, template or texts, the package versions or the kernel changed, or "
                    "its HTML is missing or was edited. What each page was built from is "
                    "recorded in <output>/.build/<lang>/<name>.html.json.")
    p.add_argument("--only", action="append", metavar="NAME", help="render only this report")
    p.add_argument("--lang", type=_choice(LANGS, "language"), action="append",
                   help="render only this language (vi or en; repeatable)")
    p.add_argument("--jobs", type=int, default=None, help="reports rendered at once")
    p.add_argument("--matrix", default=None, metavar="PATH",
                   help="the report matrix (default notebooks/reports.toml)")
    p.add_argument("--output", default=None, metavar="DIR",
                   help="where reports go (default reports/, or LAI_CHAU_REPORTS); judged by "
                        "the build records in that directory")
    p.add_argument("--force", action="store_true",
                   help="render every selected report, changed or not")
    p.add_argument("--dry-run", action="store_true",
                   help="list what would render and why; execute and write nothing")
    p.add_argument("--explain", action="store_true",
                   help="after rendering, say for each report why it ran or was up to date")
    p.add_argument("--dask", nargs="?", const=True, default=None, metavar="ADDRESS",
                   help="run the reports on dask.distributed: a local cluster on 127.0.0.1 "
                        "(--jobs workers), or the scheduler at ADDRESS (needs the optional "
                        "extra: pip install -e '.[dask]')")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from lai_chau.base.errors import LaiChauError

    args = build_parser().parse_args(argv)
    module_name, _, function = COMMANDS[args.command].partition(":")
    module = importlib.import_module(module_name)
    try:
        return int(getattr(module, function or "main")(args) or 0)
    except LaiChauError as exc:
        print(f"lai-chau {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def _write(rows: list[dict], columns: Sequence[str], fmt: str) -> int:
    from lai_chau.present.tables import render

    sys.stdout.write(render(rows, columns, fmt))
    return 0


def figures_command(args: argparse.Namespace) -> int:
    """`lai-chau figures [--format table|csv|json]`."""
    from lai_chau.data.article import CLI_COLUMNS, figures

    return _write(figures().to_dict("records"), CLI_COLUMNS, args.format)


def extract_command(args: argparse.Namespace) -> int:
    """`lai-chau extract PATH [--format table|csv|json]`: the mentions of a text file."""
    from lai_chau.sources.extract import COLUMNS, extract, read_text

    return _write([m.as_row() for m in extract(read_text(args.path))], COLUMNS, args.format)


DRAFT_COLUMNS = ["indicator", "measure", "value", "unit", "base", "qualifier", "quote", "start",
                 "end", "period_note"]
UNCLASSIFIED_COLUMNS = ["text", "start", "end", "value", "unit", "kind", "reason"]
PERIOD = re.compile(r"[0-9]{4}(H1|H2|FY)")


def draft_command(args: argparse.Namespace) -> int:
    """`lai-chau draft PATH --period P [--area A] [--unclassified] [--format]`."""
    from lai_chau.base.errors import UsageError
    from lai_chau.sources.draft import draft
    from lai_chau.sources.extract import read_text

    if not PERIOD.fullmatch(args.period):
        raise UsageError(f"unknown period {args.period!r}; expected a half-year or a full year "
                         "as YYYYH1, YYYYH2 or YYYYFY, e.g. 2024H1, 2021FY")
    period = args.period.removesuffix("FY")  # draft() reads a full year as YYYY
    rows, unclassified = draft(read_text(args.path), period, args.area)
    if args.unclassified:
        return _write(unclassified, UNCLASSIFIED_COLUMNS, args.format)
    return _write(rows, DRAFT_COLUMNS, args.format)


def compare_command(args: argparse.Namespace) -> int:
    """`lai-chau compare --baseline national|prior|region [--period P] [--vintage] [--lang]
    [--format]`."""
    from lai_chau.present.comparisons import COLUMNS, TABLE_COLUMNS, compare

    table = compare(args.baseline, args.lang, ids=getattr(args, "id", None),
                    vintage=getattr(args, "vintage", "first"),
                    period=getattr(args, "period", None))
    columns = TABLE_COLUMNS if args.format == "table" else COLUMNS
    return _write(table.to_dict("records"), columns, args.format)


def ranks_command(args: argparse.Namespace) -> int:
    """`lai-chau ranks [--format table|csv|json]`."""
    from lai_chau.analysis.compare import RANKS_COLUMNS, ranks

    return _write(ranks().to_dict("records"), RANKS_COLUMNS, args.format)


def periods_command(args: argparse.Namespace) -> int:
    """`lai-chau periods [--format table|csv|json]`."""
    from lai_chau.analysis.periods import periods

    table = periods()
    return _write(table.to_dict("records"), list(table.columns), args.format)


def series_command(args: argparse.Namespace) -> int:
    """`lai-chau series --indicator I [--measure M] [--vintage first|latest] [--format]`."""
    from lai_chau.analysis.periods import SERIES_COLUMNS, series

    table = series(args.indicator, args.measure, args.vintage)
    return _write(table.to_dict("records"), SERIES_COLUMNS, args.format)


def claims_command(args: argparse.Namespace) -> int:
    """`lai-chau claims [--lang vi|en] [--format table|csv|json]`."""
    from lai_chau.present.verdicts import COLUMNS, TABLE_COLUMNS, claims

    table = claims(args.lang)
    columns = TABLE_COLUMNS if args.format == "table" else COLUMNS
    return _write(table.to_dict("records"), columns, args.format)


if __name__ == "__main__":
    sys.exit(main())
