"""`kinerja score` and `kinerja nkp`: score a file from the command line, no database, no Django.

`run_standalone(name, argv)` is the single entry point (`kinerja.cli` calls it
for these two commands before Django is even imported). Exit status: 0 on
success, 2 on a bad file (every problem on standard error, no score printed),
1 on anything else (a missing file, an unknown unit, period or rule set ...).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from kinerja.interchange.messages import InterchangeError, InvalidFileError, text
from kinerja.scoring import DEFAULT_RULE_SET, RULE_SETS, ScoringError

OK, FAILED, BAD_FILE = 0, 1, 2
JSON_SLICE = 1000  # objects serialised at a time in a JSON array


class UsageError(Exception):
    """Bad arguments (argparse's own exit status 2 is kept for bad files)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage().rstrip()}\n{self.prog}: error: {message}")


def _common(parser: argparse.ArgumentParser, rules_help: str) -> None:
    parser.add_argument(
        "--rules",
        default=DEFAULT_RULE_SET,
        metavar="RULES",
        help=f"{rules_help} (known: {', '.join(RULE_SETS)}; default {DEFAULT_RULE_SET})",
    )
    parser.add_argument(
        "--period",
        metavar="P",
        help="score as of this period (2026, 2026-Q2, 2026-S1, 2026-06): the periods of its year up to it",
    )
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table for people (the default) or json (pretty-printed on a terminal, one line otherwise)",
    )
    parser.add_argument(
        "--lang", choices=("en", "id"), default="en", help="language of the error messages (default en)"
    )


def score_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kinerja score",
        description="Score a scorecard table (CSV or .xlsx, interchange.md) with no database: "
        "every KPI, objective and perspective index and the NKO.",
        epilog="Exit status: 0 success, 2 bad file (all errors on standard error), 1 anything else.",
    )
    parser.add_argument("file", metavar="FILE", help="the scorecard table, .csv or .xlsx")
    _common(parser, "rule set")
    parser.add_argument("--unit", metavar="CODE", help="score only this unit of a file with a unit column")
    parser.add_argument(
        "--explain",
        metavar="CODE",
        help="print why one figure is what it is: a KPI, objective or perspective code, or nko",
    )
    return parser


def nkp_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kinerja nkp",
        description="Score employees (NKP) from a workbook with sheets pegawai, iki and perilaku "
        "(an .xlsx, or a folder with pegawai.csv, iki.csv and perilaku.csv) with no database.",
        epilog="Exit status: 0 success, 2 bad file (all errors on standard error), 1 anything else.",
    )
    parser.add_argument("path", metavar="PATH", help="the .xlsx workbook or the folder of CSV files")
    _common(parser, "rule set: kmk-467-2014 (CKP and NP) or kmk-127-2026 (NHK and NPK)")
    parser.add_argument("--explain", metavar="NIP", help="print how one employee's NKP is computed")
    return parser


def run_standalone(name: str, argv: list[str]) -> int:
    """Run `kinerja score ...` or `kinerja nkp ...` (`name` is the command, `argv` its arguments)."""
    commands: dict[str, tuple[Callable[[], argparse.ArgumentParser], Callable[..., int]]] = {
        "score": (score_parser, _score),
        "nkp": (nkp_parser, _nkp),
    }
    stdout, stderr = sys.stdout, sys.stderr
    if name not in commands:
        print(f"kinerja: unknown command {name!r} (standalone commands: {', '.join(commands)})", file=stderr)
        return FAILED
    make_parser, command = commands[name]
    prog = f"kinerja {name}"
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else OK
    except UsageError as exc:
        print(exc, file=stderr)
        return FAILED
    collecting = gc.isenabled()
    # A file is read into many small objects and nothing of it forms a cycle:
    # the cyclic collector's passes over them would only cost time (a third of it).
    gc.disable()
    try:
        return command(args, stdout, stderr)
    except InvalidFileError as exc:
        for line in exc.lines(args.lang):
            print(line, file=stderr)
        count = len(exc.problems)
        print(
            f"{prog}: {text('summary_one' if count == 1 else 'summary', args.lang, count=count)}", file=stderr
        )
        return BAD_FILE
    except BrokenPipeError:
        # the reader of our output went away (`| head`): stop quietly, and let the
        # interpreter's final flush of stdout go nowhere
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
        return FAILED
    except (InterchangeError, ScoringError) as exc:
        print(f"{prog}: {exc}", file=stderr)
        return FAILED
    except FileNotFoundError as exc:
        print(f"{prog}: no such file or folder: {exc.filename}", file=stderr)
        return FAILED
    except OSError as exc:
        print(f"{prog}: cannot read {exc.filename or 'the file'}: {exc.strerror or exc}", file=stderr)
        return FAILED
    except Exception as exc:
        if os.environ.get("KINERJA_DEBUG"):
            raise
        print(
            f"{prog}: unexpected error: {type(exc).__name__}: {exc} (KINERJA_DEBUG=1 shows the traceback)",
            file=stderr,
        )
        return FAILED
    finally:
        if collecting:
            gc.enable()


def _dump_json(data: Any, stdout: IO[str]) -> None:
    """JSON on stdout: indented on a terminal; one line (the fast C encoder) into a pipe or file."""
    isatty = getattr(stdout, "isatty", None)
    if isatty is not None and isatty():
        stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        stdout.write(json.dumps(data, ensure_ascii=False))
    stdout.write("\n")


def _dump_json_array(items: Sequence[Any], to_dict: Callable[[Any], Any], stdout: IO[str]) -> None:
    """A JSON array of `to_dict(item)`, made and written a slice at a time (a big one is never held whole).

    Into a pipe or file each item's `to_json()` (the one-line text of `to_dict()`,
    written without the dicts) is used when it has one.
    """
    isatty = getattr(stdout, "isatty", None)
    if isatty is not None and isatty():
        _dump_json([to_dict(item) for item in items], stdout)
        return
    stdout.write("[")
    for start in range(0, len(items), JSON_SLICE):
        part = items[start : start + JSON_SLICE]
        if start:
            stdout.write(", ")
        if part and hasattr(part[0], "to_json"):
            stdout.write(", ".join([item.to_json() for item in part]))
        else:
            stdout.write(json.dumps([to_dict(item) for item in part], ensure_ascii=False)[1:-1])
    stdout.write("]\n")


def _note_ignored(source: str, columns: Sequence[str], stderr: IO[str], sheet: str | None = None) -> None:
    if columns:
        where = f"{source}, sheet {sheet}" if sheet else source
        print(f"note: {where}: ignored unknown columns: {', '.join(columns)}", file=stderr)


# ---------------------------------------------------------------- kinerja score


def _score(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    # Imported when the command runs, not when the CLI starts: `kinerja nkp` never pays for the scorecard
    # reader, nor `kinerja score` for the workbook reader (startup time; not a cycle).
    from kinerja.interchange.report import scorecard_text, use_colour
    from kinerja.interchange.scorecard import read_scorecard
    from kinerja.interchange.scoring import rule_set, score_table

    rules = rule_set(args.rules)
    path = Path(args.file)
    if path.is_dir():
        raise InterchangeError(f"{args.file} is a folder, not a scorecard file")
    if not path.exists():
        raise FileNotFoundError(2, "No such file", args.file)
    table = read_scorecard(path, rules=rules, check=False)
    _note_ignored(table.source, table.ignored_columns, stderr)
    scored = score_table(table, rules=rules, unit=args.unit, period=args.period)

    if args.explain:
        trees = []
        for s in scored:
            try:
                trees.append((s, s.result.explain(args.explain)))
            except KeyError:
                raise InterchangeError(
                    f"nothing to explain: no KPI, objective or perspective {args.explain!r} "
                    f"(use a code of the file or nko)"
                ) from None
        if args.format == "json":
            items = [{"unit": s.unit, "period": _label(s.period), **tree.to_dict()} for s, tree in trees]
            _dump_json(items[0] if len(items) == 1 else items, stdout)
        else:
            blocks = []
            for s, tree in trees:
                head = " · ".join(x for x in (_where(s.unit, s.period), f"rules {rules.code}") if x)
                blocks.append(f"{head}\n{tree.to_text()}")
            stdout.write("\n\n".join(blocks) + "\n")
        return OK

    if args.format == "json":
        isatty = getattr(stdout, "isatty", None)
        if len(scored) == 1 and isatty is not None and isatty():
            _dump_json(scored[0].to_dict(), stdout)  # indented
        elif len(scored) == 1:
            stdout.write(scored[0].to_json() + "\n")
        else:
            _dump_json_array(scored, lambda s: s.to_dict(), stdout)
    else:
        colour = use_colour(stdout)
        stdout.write("\n\n".join(scorecard_text(s, colour) for s in scored) + "\n")
    return OK


def _label(period: object) -> str | None:
    return None if period is None else str(period)


def _where(unit: str | None, period: object) -> str:
    parts = []
    if unit is not None:
        parts.append(f"unit {unit}")
    if period is not None:
        parts.append(f"as of {period}")
    return " · ".join(parts)


# ---------------------------------------------------------------- kinerja nkp


def _nkp(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    # Imported when the command runs (startup time; not a cycle), as in `_score`.
    from kinerja.interchange.employees import read_workbook
    from kinerja.interchange.nkp import nkp_text, score_workbook, stream_workbook
    from kinerja.interchange.report import use_colour
    from kinerja.interchange.scoring import rule_set

    rules = rule_set(args.rules)
    path = Path(args.path)
    if not path.exists():
        raise FileNotFoundError(2, "No such file", args.path)
    book = read_workbook(path, rules=rules, check=False)
    for sheet, columns in book.ignored_columns.items():
        _note_ignored(
            book.source or book.sheets.get(sheet, sheet), columns, stderr, sheet if book.source else None
        )
    isatty = getattr(stdout, "isatty", None)
    if args.format == "json" and not args.explain and rules.nkp2026 is not None and not (isatty and isatty()):
        # One line into a pipe or file: each employee's JSON text is made as soon as it is scored and
        # its results let go, so that 80 000 employees' results are never held at once. The text is
        # kept until every employee is scored: a bad workbook prints nothing (exit status 2).
        texts: list[str] = []
        stream_workbook(book, lambda s: texts.append(s.to_json()), rules=rules, period=args.period)
        del book
        stdout.write("[")
        for start in range(0, len(texts), JSON_SLICE):
            if start:
                stdout.write(", ")
            stdout.write(", ".join(texts[start : start + JSON_SLICE]))
        stdout.write("]\n")
        return OK
    # the rows are let go once turned into the core's inputs: a big workbook's are not held to the end
    scored = score_workbook(book, rules=rules, period=args.period, release=True)

    if args.explain:
        wanted = args.explain.strip()
        found = [s for s in scored if s.nip == wanted]
        if not found:
            raise InterchangeError(f"nothing to explain: no employee with NIP {wanted!r} in {args.path}")
        tree = found[0].result.explain()
        if args.format == "json":
            _dump_json(tree.to_dict(), stdout)
        else:
            stdout.write(tree.to_text() + "\n")
        return OK
    if args.format == "json":
        _dump_json_array(scored, lambda s: s.to_dict(), stdout)
    else:
        stdout.write(nkp_text(scored, rules, use_colour(stdout)) + "\n")
    return OK


def main(
    argv: Sequence[str] | None = None,
) -> int:  # pragma: no cover - `python -m kinerja.interchange.commands`
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m kinerja.interchange.commands {score,nkp} ...", file=sys.stderr)
        return FAILED
    return run_standalone(args[0], args[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
