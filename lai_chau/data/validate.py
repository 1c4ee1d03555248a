"""Load data files validated against data/datapackage.json (pandera), and `lai-chau check`.

`load()` validates a file fully (pandera: types, constraints, keys; then the quotes) unless this
exact file already passed this exact schema: a full validation that passes leaves a stamp in the
project cache (lai_chau.base.cache, kind `validated`) named by the sha256 of the file's bytes, its
resource description (schema, missing values), this module's source and the pandas and pandera
versions. With a stamp the same bytes are parsed and typed with pandas alone (pandera, ~0.3 s to
import, is not needed) and the quotes are still checked. A changed, new or unstamped file, or a
changed schema, has no stamp and is validated fully, so a bad value is still reported at load.
Links to other files (foreignKeys, and comparability's baseline_id) are never stamped: they
depend on the other file too, so every load checks them, with pandas `isin` against the other
file's validated table (itself stamped); the result is cached for this process while neither
file's size and mtime change. `lai-chau check` always validates everything.

Why one module of ~700 lines: the full validation, the stamps and the links between files share one
process cache of validated tables (`_table`), which each link check reads; the file reading and
the strict forms are in lai_chau.data.csvfile, the descriptor in lai_chau.data.package.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lai_chau.base import paths
from lai_chau.base.errors import DataError
from lai_chau.data.csvfile import (  # noqa: F401 - re-exported: the strict forms are part of the API
    _VI_NUMBER,
    FIELD_TYPES,
    PLAIN_DATE,
    PLAIN_INTEGER,
    PLAIN_NUMBER,
    _form_problem,
    _read_raw,
    _row_label,
    _schema_problems,
)
from lai_chau.data.package import (  # noqa: F401 - re-exported
    _read_descriptor,
    _rel,
    descriptor,
    rel_path,
    resource,
    resource_names,
    resource_path,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

def clear_cache() -> None:
    """Forget cached descriptors and tables (after LAI_CHAU_DATA changes, or in tests)."""
    descriptor.cache_clear()
    _load_cached.cache_clear()
    _check_links_cached.cache_clear()
    _seed_text.cache_clear()
    _seed_mentions.cache_clear()


def _expectation(field: dict[str, Any], check: str) -> str:
    """What a field expected, in words, for a failed pandera check."""
    constraints = field.get("constraints", {})
    ftype = field.get("type", "string")
    if check.startswith("coerce_dtype"):
        return {
            "number": "a plain number such as 9.15 or 1620 "
            "(no thousands separator, '.' for decimals)",
            "integer": "a whole number such as 12",
            "date": "a date as YYYY-MM-DD",
        }.get(ftype, f"a {ftype}")
    if check.startswith("not_nullable"):
        return "a value (the field is required)"
    if check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
        return "a unique value; this one appears more than once"
    if check.startswith("isin"):
        return "one of: " + ", ".join(repr(v) for v in constraints.get("enum", []))
    if check.startswith("str_matches"):
        return f"text matching {constraints.get('pattern')}"
    if check.startswith("greater_than_or_equal_to"):
        return f"a value >= {constraints.get('minimum')}"
    if check.startswith("less_than_or_equal_to"):
        return f"a value <= {constraints.get('maximum')}"
    return check


def _pandera_schema(fields: list[dict[str, Any]], primary_key: list[str]):
    import pandera.pandas as pa

    dtypes = {
        "number": "float64",
        "integer": "Int64",
        "date": "datetime64[ns]",
        "string": "string",
        "boolean": "boolean",
    }
    columns = {}
    for field in fields:
        c = field.get("constraints", {})
        checks = []
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(c["pattern"]))
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"]))
        if "maximum" in c:
            checks.append(pa.Check.le(c["maximum"]))
        columns[field["name"]] = pa.Column(
            dtypes.get(field.get("type", "string"), "string"),
            checks=checks,
            nullable=not c.get("required", False),
            unique=bool(c.get("unique", False)),
            coerce=True,
        )
    return pa.DataFrameSchema(
        columns,
        strict=True,
        unique=primary_key if len(primary_key) > 1 else None,
        coerce=True,
    )


def _validate(
    name: str, data: bytes | None = None
) -> tuple[pd.DataFrame | None, list[DataError]]:
    """Typed table and every schema problem of one resource (pandera, lazily); `data` is the
    file's bytes when already read. Each bad cell gets one message."""
    import pandas as pd
    import pandera.errors

    problems = _schema_problems(name)
    if problems:
        return None, problems
    res = resource(name)
    rel = _rel(paths.DATA / res["path"])
    raw, problems = _read_raw(name, data)
    if problems:
        return None, problems
    schema = res["schema"]
    fields = schema["fields"]
    key = schema.get("primaryKey", [])
    missing = set(schema.get("missingValues", [""]))
    by_name = {f["name"]: f for f in fields}
    frame = raw.map(lambda v: pd.NA if v in missing else v)
    reported: set[tuple[str, Any]] = set()
    for field in fields:
        kind = field.get("type", "string")
        if kind == "string":
            continue
        column = field["name"]
        for index, value in raw[column].items():
            if value in missing:
                continue
            problem = _form_problem(kind, value)
            if problem:
                problems.append(DataError(f"{rel}, {_row_label(raw, index, key)}", problem,
                                          column=column))
                reported.add((column, index))
                frame.at[index, column] = pd.NA
        if kind == "boolean":  # the one form of a stored boolean, typed before pandera sees it
            frame[column] = frame[column].map(
                lambda v: {"true": True, "false": False}.get(v, pd.NA) if isinstance(v, str)
                else pd.NA).astype("boolean")
    try:
        typed = _pandera_schema(fields, key).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        seen = set()
        for case in exc.failure_cases.to_dict("records"):
            column, check, index = case.get("column"), str(case.get("check")), case.get("index")
            field = by_name.get(column, {})
            if (column, index, check) in seen or (column, index) in reported:
                continue
            seen.add((column, index, check))
            got = case.get("failure_case")
            shown = "an empty cell" if got is None or (not isinstance(got, str) and pd.isna(got)) \
                else repr(got)
            message = f"expected {_expectation(field, check)}, got {shown}"
            row = None if index is None or pd.isna(index) else _row_label(raw, index, key)
            problems.append(
                DataError(rel, message, column=column)
                if row is None
                else DataError(f"{rel}, {row}", message, column=column)
            )
        return None, problems
    if problems:
        return None, problems
    return typed, problems


@functools.cache
def _seed_text() -> str:
    from lai_chau.sources import seed

    return seed.text()  # DataError naming the seed if it is missing or not UTF-8


def _check_quotes(name: str, table: pd.DataFrame) -> list[DataError]:
    """Every quote is the seed's text at its offsets."""
    if not {"quote", "start", "end"} <= set(table.columns):
        return []
    rel = _rel(paths.DATA / resource(name)["path"])
    seed = _seed_text()
    key = resource(name)["schema"].get("primaryKey", [])
    problems = []
    for index, row in table.iterrows():
        start, end, quote = int(row["start"]), int(row["end"]), row["quote"]
        found = seed[start:end]
        if found != quote:
            hint = ""
            if quote in seed:
                at = seed.index(quote)
                hint = f"; the quote occurs at {at}:{at + len(quote)}"
            problems.append(
                DataError(
                    f"{rel}, {_row_label(table, index, key)}",
                    f"quote is not at its offsets: seed[{start}:{end}] is {found!r}, "
                    f"expected {quote!r}{hint}",
                    column="quote",
                )
            )
    return problems


def check_values(name: str, table: pd.DataFrame | None = None) -> list[DataError]:
    """Rows whose stored value is not the number the project's extractor reads in their quote
    (figures.csv). Run by `lai-chau check` and before a render, not by every load(): analysis
    tests load hypothetical values on purpose."""
    import pandas as pd

    table = _table(name) if table is None else table
    if not {"quote", "start", "end", "value"} <= set(table.columns):
        return []
    rel = _rel(paths.DATA / resource(name)["path"])
    key = resource(name)["schema"].get("primaryKey", [])
    problems = []
    for index, row in table.iterrows():
        if pd.isna(row["value"]):
            continue
        problem = _value_problem(row, int(row["start"]), int(row["end"]))
        if problem:
            problems.append(DataError(f"{rel}, {_row_label(table, index, key)}", problem,
                                      column="value"))
    return problems


@functools.cache
def _seed_mentions() -> tuple[Any, ...]:
    from lai_chau.sources.extract import extract

    return tuple(extract(_seed_text()))


def _value_problem(row: Any, start: int, end: int) -> str | None:
    """Why a figure's stored value (and unit) is not what the project's extractor reads in its
    quote, or None."""
    import math

    value, unit = float(row["value"]), row.get("unit")
    inside = [m for m in _seed_mentions() if start <= m.start and m.end <= end
              and m.value is not None]
    for m in inside:
        if math.isclose(m.value, value, rel_tol=1e-9, abs_tol=1e-12) and \
                (m.unit == unit or m.unit is None):
            return None
    read = "; ".join(f"{m.text!r} = {m.value:g}{' ' + m.unit if m.unit else ''}"
                     for m in inside) or "no number"
    return (f"value {value:g}{' ' + unit if isinstance(unit, str) else ''} is not what the "
            f"quote says: the extractor reads {read} in it; fix the value (or the quote)")


def _foreign_keys(name: str) -> list[tuple[list[str], str, list[str]]]:
    """(fields, referenced resource, referenced fields) of each foreignKey of a resource."""
    keys = []
    for fk in resource(name)["schema"].get("foreignKeys", []):
        ref = fk["reference"]
        fields, ref_fields = fk["fields"], ref.get("fields", [])
        target = ref.get("resource") or name  # "" is the resource itself (Table Schema)
        _known_target(name, target)
        keys.append((
            [fields] if isinstance(fields, str) else list(fields),
            target,
            [ref_fields] if isinstance(ref_fields, str) else list(ref_fields),
        ))
    return keys


def _known_target(name: str, target: str) -> None:
    if target not in resource_names():
        raise DataError(
            _rel(paths.DATAPACKAGE),
            f"resource {name!r} links to {target!r}, which is not a resource; "
            f"expected one of: {', '.join(resource_names())}",
        )


def _target(name: str, target: str) -> pd.DataFrame:
    """The table a link of `name` points to, validated on its own (schema and quotes, not its
    own links, so a cycle of links cannot recurse); a DataError names `target` if it is bad."""
    _known_target(name, target)
    return _table(target)


def _link_problems(
    name: str, table: pd.DataFrame, column: str, bad: pd.Series, target: str
) -> list[DataError]:
    rel = _rel(paths.DATA / resource(name)["path"])
    key = resource(name)["schema"].get("primaryKey", [])
    return [
        DataError(
            f"{rel}, {_row_label(table, index, key)}",
            f"{table.at[index, column]!r} is not an id of {target}",
            column=column,
        )
        for index in bad[bad].index
    ]


def _check_foreign_keys(name: str, table: pd.DataFrame) -> list[DataError]:
    """Rows whose foreign key has no match in the referenced resource (empty keys are allowed)."""
    import pandas as pd

    problems = []
    for fields, target_name, ref_fields in _foreign_keys(name):
        target = table if target_name == name else _target(name, target_name)
        where = f"{target_name} ({_rel(paths.DATA / resource(target_name)['path'])}, " \
            f"column {'/'.join(ref_fields)})"
        present = table[fields].notna().all(axis=1)
        if len(fields) == 1:
            found = table[fields[0]].isin(target[ref_fields[0]].dropna())
        else:
            index = pd.MultiIndex.from_frame(table[fields].astype(object))
            found = pd.Series(
                index.isin(pd.MultiIndex.from_frame(target[ref_fields].astype(object))),
                index=table.index,
            )
        problems += _link_problems(name, table, fields[-1], present & ~found, where)
    return problems


# The resources holding one reference value per row (Vietnam, Lai Châu's other periods, peers).
VALUE_TABLES = ("national", "lai_chau_prior", "provinces_h1_2022")


def _baseline_targets() -> tuple[str, ...]:
    """Resources whose ids a comparability baseline_id (or a derived number's input) may name."""
    return (*VALUE_TABLES, "derived")


def _known_values(name: str) -> set[str]:
    known: set[str] = set()
    for target in _baseline_targets():
        table = _target(name, target) if target != name else None
        known |= set((table if table is not None else _table(name))["id"].dropna())
    return known


def _where_values() -> str:
    return ", ".join(f"{t} ({_rel(paths.DATA / resource(t)['path'])})"
                     for t in _baseline_targets())


def _check_baseline_ids(name: str, table: pd.DataFrame) -> list[DataError]:
    """comparability.baseline_id names a reference value row or a derived number
    (data/derived.csv); a multi-table link that datapackage.json foreignKeys cannot express."""
    column = table["baseline_id"]
    bad = column.notna() & ~column.isin(_known_values(name))
    return _link_problems(name, table, "baseline_id", bad, _where_values())


def _check_derived_inputs(name: str, table: pd.DataFrame) -> list[DataError]:
    """Each input of a derived number is a figure, a reference value or another derived number."""
    known = _known_values(name) | set(_target(name, "figures")["id"].dropna())
    rel = _rel(paths.DATA / resource(name)["path"])
    problems = []
    for index, cell in table["inputs"].items():
        for item in (i for i in (cell.split(";") if isinstance(cell, str) else []) if i):
            if item not in known:
                problems.append(DataError(
                    f"{rel}, {_row_label(table, index, ['id'])}",
                    f"{item!r} is not an id of figures, {_where_values()}", column="inputs"))
    return problems


def _derived_targets() -> tuple[str, ...]:
    return ("figures", *_baseline_targets()[:-1])


# Fields holding a ';'-separated list of ids of another resource (foreignKeys cannot say so):
# field name -> (resource, field) every item must name.
LIST_LINKS = {
    "figure_ids": ("figures", "id"),
    "corroborated_by": ("sources", "id"),
}


def _list_fields(name: str) -> list[str]:
    fields = [f.get("name") for f in resource(name).get("schema", {}).get("fields", [])]
    return [f for f in fields if f in LIST_LINKS]


def _check_list_links(name: str, table: pd.DataFrame) -> list[DataError]:
    """Each item of a ';'-separated id list names a row of the resource it points to."""
    rel = _rel(paths.DATA / resource(name)["path"])
    key = resource(name)["schema"].get("primaryKey", [])
    problems = []
    for column in _list_fields(name):
        target, field = LIST_LINKS[column]
        if target == name:
            known = set(table[field].dropna())
        else:
            known = set(_target(name, target)[field].dropna())
        for index, cell in table[column].items():
            if not isinstance(cell, str):
                continue
            for item in (i.strip() for i in cell.split(";")):
                if not item:
                    problems.append(DataError(
                        f"{rel}, {_row_label(table, index, key)}",
                        f"{cell!r} has an empty item; expected ';'-separated ids of {target}",
                        column=column))
                elif item not in known:
                    problems.append(DataError(
                        f"{rel}, {_row_label(table, index, key)}",
                        f"{item!r} is not an id of {target} "
                        f"({_rel(paths.DATA / resource(target)['path'])}, column {field})",
                        column=column))
    return problems


def _list_targets(name: str) -> tuple[str, ...]:
    return tuple(LIST_LINKS[c][0] for c in _list_fields(name))


def _panel_targets() -> tuple[str, ...]:
    return ("figures", *VALUE_TABLES)


def _check_panel(name: str, table: pd.DataFrame) -> list[DataError]:
    """A panel row either refers to the row holding its number (a figure or a reference row),
    and then has no value, snippet or source of its own, or holds all three itself."""
    import pandas as pd

    known: set[str] = set()
    for target in _panel_targets():
        known |= set(_target(name, target)["id"].dropna())
    rel = _rel(paths.DATA / resource(name)["path"])
    problems = []
    for index, row in table.iterrows():
        where = f"{rel}, {_row_label(table, index, ['id'])}"
        own = [c for c in ("value", "snippet", "source_id") if not pd.isna(row[c])]
        if not pd.isna(row["refers_to"]):
            if row["refers_to"] not in known:
                problems.append(DataError(where, f"{row['refers_to']!r} is not an id of "
                                          f"{', '.join(_panel_targets())}", column="refers_to"))
            elif own:
                problems.append(DataError(where, f"refers to {row['refers_to']!r}, which holds "
                                          "the number: leave value, snippet and source_id empty "
                                          "(a number enters the data once)", column=own[0]))
        elif len(own) < 3:
            missing = [c for c in ("value", "snippet", "source_id") if c not in own]
            problems.append(DataError(where, "a number of its own needs value, snippet and "
                                      "source_id (or refers_to naming the row that holds it)",
                                      column=missing[0]))
    return problems


# Links to other resources that foreignKeys cannot declare: resource -> (check, its targets).
_CUSTOM_LINKS = {"comparability": (_check_baseline_ids, _baseline_targets),
                 "derived": (_check_derived_inputs, _derived_targets),
                 "panel": (_check_panel, _panel_targets)}


def _links(name: str) -> list[str]:
    """Every other resource whose content the links of `name` depend on."""
    targets = [t for _, t, _ in _foreign_keys(name) if t != name]
    if name in _CUSTOM_LINKS:
        targets += list(_CUSTOM_LINKS[name][1]())
    targets += [t for t in _list_targets(name) if t != name]
    return list(dict.fromkeys(targets))


def _check_links(name: str, table: pd.DataFrame) -> list[DataError]:
    """Foreign keys and custom links of one resource."""
    problems = _check_foreign_keys(name, table)
    if name in _CUSTOM_LINKS:
        problems += _CUSTOM_LINKS[name][0](name, table)
    problems += _check_list_links(name, table)
    return problems


@functools.cache
def _code_fingerprint() -> str:
    """What else a passed validation depends on: these rules and the libraries applying them."""
    from importlib import metadata

    parts = [Path(__file__).read_bytes(),
             *(Path(__file__).with_name(n).read_bytes() for n in ("csvfile.py", "package.py"))]
    for package in ("pandas", "pandera"):
        try:
            parts.append(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
            parts.append(f"{package} missing".encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def validated_key(name: str, data: bytes) -> str:
    """The stamp name of resource `name` with these bytes: sha256 of the bytes, the resource's
    description (without its recorded hash and size) and _code_fingerprint()."""
    res = {k: v for k, v in resource(name).items() if k not in {"hash", "bytes"}}
    digest = hashlib.sha256()
    for part in (
        b"lai-chau validated v1",
        hashlib.sha256(data).hexdigest().encode(),
        json.dumps(res, sort_keys=True, ensure_ascii=False).encode("utf-8"),
        _code_fingerprint().encode(),
    ):
        digest.update(part + b"\0")
    return digest.hexdigest()


def _typed(raw: pd.DataFrame, res: dict[str, Any]) -> pd.DataFrame:
    """The text columns typed as pandera types them (the same dtypes and values: a test
    compares both on every resource); only for data that passed validation."""
    import numpy as np
    import pandas as pd

    schema = res["schema"]
    missing = list(schema.get("missingValues", [""]))
    columns = {}
    for field in schema["fields"]:
        column = raw[field["name"]]
        column = column.where(~column.isin(missing), pd.NA)
        kind = field.get("type", "string")
        if kind == "number":
            column = column.astype("float64")
        elif kind == "integer":
            column = column.astype("Int64")
        elif kind == "date":
            column = pd.to_datetime(column).astype("datetime64[ns]")
        elif kind == "boolean":
            column = column.map(lambda v: {"true": True, "false": False}.get(v, pd.NA)
                                if isinstance(v, str) else pd.NA).astype("boolean")
        else:
            column = column.astype(pd.StringDtype(na_value=np.nan))
        columns[field["name"]] = column
    return pd.DataFrame(columns, index=raw.index)[list(raw.columns)]


def _load_validated(name: str, data: bytes, key: str) -> pd.DataFrame | None:
    """The typed table if these bytes already passed this schema (a stamp), else None."""
    from lai_chau.base import cache

    if cache.read("validated", key) is None:
        return None
    raw, problems = _read_raw(name, data)
    if problems:
        return None
    try:
        return _typed(raw, resource(name))
    except (ValueError, TypeError):  # the full validation will say what is wrong
        return None


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, _path: str, _stamp: tuple[int, int]) -> pd.DataFrame:
    from lai_chau.base import cache

    try:
        data: bytes | None = resource_path(name).read_bytes()
    except OSError:
        data = None  # _read_raw reports it
    key = validated_key(name, data) if data is not None else None
    table = _load_validated(name, data, key) if key and data is not None else None
    if table is not None:
        problems = _check_quotes(name, table)
    else:
        table, problems = _validate(name, data)
        if not problems:
            problems = _check_quotes(name, table)
        if not problems and key:
            cache.write("validated", key, f"{name}\n".encode())
    _raise_first(problems)
    return table


def _raise_first(problems: list[DataError]) -> None:
    """Raise the first problem, saying how many more there are."""
    if not problems:
        return
    more = (
        f" (and {len(problems) - 1} more problems: run `lai-chau check`)"
        if len(problems) > 1
        else ""
    )
    raise DataError(
        problems[0].file,
        problems[0].message + more,
        row=problems[0].row,
        column=problems[0].column,
    )


def _stamp(name: str) -> tuple[str, tuple[int, int]]:
    path = resource_path(name)
    try:
        stat = path.stat()
        return str(path), (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return str(path), (0, 0)


def _table(name: str) -> pd.DataFrame:
    """The resource validated on its own (schema, quotes), cached; not a copy, not its links."""
    return _load_cached(name, *_stamp(name))


@functools.lru_cache(maxsize=64)
def _check_links_cached(name: str, _stamps: tuple[Any, ...]) -> None:
    _raise_first(_check_links(name, _table(name)))


def load(name: str) -> pd.DataFrame:
    """data/<resource>.csv as a typed DataFrame, validated against its schema, with every
    foreign key (and comparability's baseline_id) resolved in the resource it names.

    Raises DataError naming the file, row, column and what was expected.
    """
    table = _table(name)
    links = _links(name)
    if links:
        _check_links_cached(name, tuple(_stamp(n) for n in (name, *links)))
    return table.copy()


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems() -> list[DataError]:
    """Every problem in the data package: schemas, quotes, foreign keys and other links (a
    comparability baseline_id), hashes, the seed."""
    found: list[DataError] = []
    try:
        desc = _read_descriptor()
    except DataError as exc:
        return [exc]
    try:
        from lai_chau.sources import seed

        seed.clear_cache()
        seed.verify()
    except DataError as exc:
        found.append(exc)
    except ImportError:  # pragma: no cover - seed module always ships
        pass
    try:
        seed.sentences()
    except DataError as exc:
        found.append(exc)
    if not isinstance(desc.get("resources"), list) or not desc["resources"]:
        return [*found, DataError(_rel(paths.DATAPACKAGE), "no 'resources'; expected one "
                                                           "resource per data file")]
    described = {r.get("path") for r in desc["resources"]}
    for csv_path in sorted(paths.DATA.glob("*.csv")):
        if csv_path.name not in described:
            found.append(DataError(_rel(csv_path), "not described in data/datapackage.json"))
    tables: dict[str, pd.DataFrame] = {}
    broken: set[str] = set()
    for res in desc["resources"]:
        name = res["name"]
        table, schema_problems = _validate(name)
        found += schema_problems
        if table is None:
            broken.add(name)
            continue
        try:
            quote_problems = _check_quotes(name, table)
        except DataError as exc:  # the seed itself is missing or unreadable (listed above)
            quote_problems = [] if any(str(exc) == str(f) for f in found) else [exc]
            broken.add(name)
        found += quote_problems
        if quote_problems:
            broken.add(name)
        else:
            try:
                found += check_values(name, table)
            except DataError as exc:  # the seed is missing or unreadable (listed above)
                if not any(str(exc) == str(f) for f in found):
                    found.append(exc)
        tables[name] = table
        path = paths.DATA / res["path"]
        expected = res.get("hash", "")
        actual = "sha256:" + sha256(path)
        if expected != actual:
            found.append(
                DataError(
                    _rel(path),
                    f"content changed: sha256 is {actual[7:19]}..., data/datapackage.json records "
                    f"{(expected[7:19] + '...') if expected else 'none'}; "
                    "review the change, then run "
                    "`lai-chau check --update-hashes`",
                )
            )
    for name, table in tables.items():
        # a link into a broken file is checked once that file's own problems (listed) are fixed
        try:
            if not broken & set(_links(name)):
                found += _check_links(name, table)
        except DataError as exc:
            found.append(exc)
    return found


def update_hashes() -> list[str]:
    """Write each resource's sha256 and size into data/datapackage.json; return changed names."""
    desc = _read_descriptor()
    changed = []
    for res in desc["resources"]:
        path = paths.DATA / res["path"]
        digest, size = "sha256:" + sha256(path), path.stat().st_size
        if res.get("hash") != digest or res.get("bytes") != size:
            res["hash"], res["bytes"] = digest, size
            changed.append(res["name"])
    text = json.dumps(desc, ensure_ascii=False, indent=2) + "\n"
    from lai_chau.base.atomic import write_text

    write_text(paths.DATAPACKAGE, text)
    clear_cache()
    return changed
