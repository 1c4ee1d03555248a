"""The `lai-chau` command line: figures, extract, check, compare, ranks, claims, render."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from lai_chau.present.tables import FORMATS
from lai_chau.sources.numerals import LANGS

BASELINES = ("national", "prior", "region")

# subcommand -> module whose `main(args) -> int` runs it; imported only when used,
# so `lai-chau figures` never pays for papermill or altair.
COMMANDS = {
    "figures": "lai_chau.data.article",
    "extract": "lai_chau.sources.extract",
    "check": "lai_chau.data.validate",
    "compare": "lai_chau.analysis.compare",
    "ranks": "lai_chau.analysis.compare:ranks_main",
    "claims": "lai_chau.analysis.claims",
    "render": "lai_chau.render.run",
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
    p.add_argument("--vintage", type=_choice(("first", "latest"), "vintage"), default="first",
                   help="compare with the national first release (default) or its latest "
                        "restatement")
    p.add_argument("--lang", **lang)
    p.add_argument("--format", **fmt)

    p = sub.add_parser("ranks", help="bounds on Lai Châu's GRDP-growth rank, nationally and in "
                                     "its region, and the peers they rest on")
    p.add_argument("--format", **fmt)

    p = sub.add_parser("claims", help="the article's claims with a verdict and the evidence")
    p.add_argument("--lang", **lang)
    p.add_argument("--format", **fmt)

    p = sub.add_parser("render", help="execute the report notebooks and write HTML reports")
    p.add_argument("--only", action="append", metavar="NAME", help="render only this report")
    p.add_argument("--lang", type=_choice(LANGS, "language"), action="append")
    p.add_argument("--jobs", type=int, default=None, help="reports rendered at once")
    p.add_argument("--matrix", default=None, metavar="PATH",
                   help="the report matrix (default notebooks/reports.toml)")
    p.add_argument("--output", default=None, metavar="DIR",
                   help="where reports go (default reports/, or LAI_CHAU_REPORTS)")
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


if __name__ == "__main__":
    sys.exit(main())
