"""usegate: data-use policy as code, from Python.

Compile a policy (or load an artifact built with ``usegate build``) and decide records with
the exact decisions of ``usegate eval``::

    import usegate

    policy = usegate.compile("policies/x-grok-2024-08.policy")
    decision = policy.decide({"purpose": "training", "category": "post",
                              "visibility": "public", "region": "US",
                              "ts": "2024-06-01T00:00:00Z"},
                             now="2024-09-01")
    decision.allowed, decision.decision, decision.reason    # True, 'allow', 'train_on_posts'

    result = policy.decide_columns(frame, now="2024-09-01")   # a pandas DataFrame
    frame[result.allowed]                                     # the rows that may be used

See docs/python.md for the whole API.
"""

from __future__ import annotations

import datetime as _datetime
import json as _json
import math as _math
import os as _os
import re as _re
import time as _time
import warnings as _warnings
from typing import Any, Iterable, Mapping, NamedTuple, Optional, Sequence, Union

import numpy as _np

from . import _usegate

__all__ = ["compile", "load", "Policy", "PolicyError", "ConsentWarning", "Diagnostic", "Decision", "ColumnDecisions"]

_ARTIFACT_MAGIC = b"USEGATE\0"
_EPOCH = _datetime.datetime(1970, 1, 1, tzinfo=_datetime.timezone.utc)


class Diagnostic(NamedTuple):
    """One problem with an input file: where it is and what it says."""

    file: str
    line: int  # 1-based; 0 when the problem is with the file as a whole
    column: int  # 1-based byte column; 0 when the problem is with the file as a whole
    severity: str  # "error" or "warning"
    message: str
    help: str


class PolicyError(ValueError):
    """A policy, an artifact or a bindings file that cannot be used.

    ``diagnostics`` lists each problem with its file, line and column; ``str()`` is the
    clang-style rendering ``usegate check`` prints (the source line, a caret, the help).
    """

    def __init__(self, rendered: str, diagnostics: Sequence[Diagnostic]):
        super().__init__(rendered)
        self.diagnostics = list(diagnostics)

    def __str__(self) -> str:
        return self.args[0]


class ConsentWarning(UserWarning):
    """Consent changes that were rejected (never applied) or whose value was read as off, as
    ``usegate eval --consent`` reports them: each with its line in the changes."""


class Decision(NamedTuple):
    """What ``usegate eval`` writes for one record."""

    allowed: bool
    decision: str  # "allow", "deny", or "reject" (the record cannot be read)
    reason: str  # the deciding rule's id, `optout_<setting>`, `default`, or the reject cause


class ColumnDecisions(NamedTuple):
    """Decisions for columns of records, one entry per row.

    ``allowed`` is a numpy bool array; ``reason`` a numpy uint16 array of indices into
    ``reason_names`` (the policy's reasons in order, then ``invalid_input``).
    """

    allowed: _np.ndarray
    reason: _np.ndarray
    reason_names: tuple

    def reasons(self):
        """The reasons as a pandas Categorical (categories: ``reason_names``)."""
        import pandas

        return pandas.Categorical.from_codes(self.reason.astype(_np.int32), categories=list(self.reason_names))


# ---- values as JSON would hold them


def _instant_ns(value: _datetime.datetime) -> int:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=_datetime.timezone.utc)
    delta = value - _EPOCH
    nanoseconds = getattr(value, "nanosecond", 0)
    return (delta.days * 86400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000 + nanoseconds


def _is_missing_marker(value: Any) -> bool:
    """pandas' NA and NaT, without importing pandas."""
    kind = type(value).__name__
    return kind in ("NAType", "NaTType")


def _normalize_value(value: Any):
    """A value with no JSON form of its own to one that has one (used by the native part).

    numpy scalars become Python ones; datetimes (naive ones read as UTC) and numpy
    datetime64 become ("instant", nanoseconds since the epoch); pandas' NA and NaT are None.
    """
    if _is_missing_marker(value):
        return None
    if isinstance(value, _np.generic):
        if isinstance(value, _np.datetime64):
            if _np.isnat(value):
                return None
            return ("instant", int(value.astype("datetime64[ns]").astype(_np.int64)))
        if isinstance(value, _np.str_):
            return str(value)
        return value.item()
    if isinstance(value, _datetime.datetime):
        return ("instant", _instant_ns(value))
    if isinstance(value, _datetime.date):
        return value.isoformat()
    raise TypeError(f"a value of type `{type(value).__name__}` has no JSON form")


def _json_ready(value: Any):
    """A record's value as json.dumps should write it for `eval` to read it the same way."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if _math.isnan(value) else value
    if isinstance(value, Mapping):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    normalized = _normalize_value(value)
    if isinstance(normalized, tuple):
        nanoseconds = normalized[1]
        seconds, fraction = divmod(nanoseconds, 1_000_000_000)
        text = (_EPOCH + _datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
        return text + (f".{fraction:09d}" if fraction else "") + "Z"
    return _json_ready(normalized)


def _json_line(record: Mapping) -> bytes:
    return _json.dumps(_json_ready(record), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


# ---- call options


def _epoch_seconds(now) -> int:
    if now is None:
        return int(_time.time())
    if isinstance(now, bool):
        raise TypeError("`now` is a time: a datetime, ISO-8601 text or epoch seconds")
    if isinstance(now, (int, _np.integer)):
        return int(now)
    if isinstance(now, (float, _np.floating)):
        return int(_math.floor(now))
    if isinstance(now, str):
        seconds = _usegate.epoch_seconds_from_text(now)
        if seconds is None:
            raise ValueError(f"`now` `{now}` is not a time (write YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch seconds)")
        return seconds
    normalized = _normalize_value(now)
    if isinstance(normalized, tuple):
        return normalized[1] // 1_000_000_000
    if isinstance(normalized, str):
        return _epoch_seconds(normalized)
    raise TypeError("`now` is a time: a datetime, ISO-8601 text or epoch seconds")


def _purposes(purpose) -> list:
    if purpose is None:
        return []
    if isinstance(purpose, str):
        return [name for name in purpose.split(",") if name]
    return [str(name) for name in purpose]


def _bindings(bindings):
    """(text, file name) of a bindings argument: a path, YAML text, or a mapping."""
    if bindings is None:
        return None, "bindings"
    if isinstance(bindings, Mapping):
        # JSON is YAML: a mapping is written as one flow mapping.
        return _json.dumps(_json_ready(bindings)), "bindings"
    if isinstance(bindings, _os.PathLike) or (isinstance(bindings, str) and "\n" not in bindings and _os.path.isfile(bindings)):
        path = _os.fspath(bindings)
        with open(path, encoding="utf-8") as file:
            return file.read(), path
    if isinstance(bindings, str):
        return bindings, "bindings"
    raise TypeError("`bindings` is a path, YAML text or a mapping")


def _consent(consent):
    """Consent changes as JSON Lines text: from a path, a DataFrame, or a list of changes."""
    if consent is None:
        return None
    if isinstance(consent, (str, _os.PathLike)):
        with open(_os.fspath(consent), encoding="utf-8", errors="surrogateescape") as file:
            return file.read()
    if hasattr(consent, "to_dict") and hasattr(consent, "columns"):
        consent = consent.to_dict(orient="records")
    lines = []
    for change in consent:
        if not isinstance(change, Mapping):
            raise TypeError("a consent change is a mapping {user, setting, value, platform, ts}")
        lines.append(_json_line(change).decode("utf-8"))
    return "\n".join(lines) + ("\n" if lines else "")


_HEADLINE = _re.compile(r"^(.*?):(\d+):(\d+): (error|warning): (.*)$", _re.MULTILINE)


def _input_error(message: str) -> PolicyError:
    """A rendered diagnostic (bindings) as a PolicyError with its positions."""
    diagnostics = []
    for match in _HEADLINE.finditer(message):
        rest = message[match.end():]
        help_match = _re.match(r"(?:\n[^\n]*)*?\n\s*= help: (.*)", rest)
        diagnostics.append(
            Diagnostic(match.group(1), int(match.group(2)), int(match.group(3)), match.group(4), match.group(5),
                       help_match.group(1) if help_match else ""))
    if not diagnostics:
        return ValueError(message)
    return PolicyError(message, diagnostics)


# ---- columns


def _column_spec(name: str, values, rows: Optional[int]):
    """A column as (name, layout, data, extra) for the native part."""
    try:
        import pandas
    except ImportError:  # numpy arrays only
        pandas = None
    if pandas is not None and isinstance(values, (pandas.Series, pandas.Index)):
        series = pandas.Series(values) if isinstance(values, pandas.Index) else values
        dtype = series.dtype
        if isinstance(dtype, pandas.CategoricalDtype):
            codes = _np.ascontiguousarray(series.cat.codes.to_numpy())
            categories = _np.asarray(series.cat.categories.astype(object), dtype=object)
            return (name, "category", codes, categories)
        if isinstance(dtype, pandas.DatetimeTZDtype) or dtype.kind == "M":
            # The instants in UTC, as int64 nanoseconds (NaT the smallest int64), without a copy
            # when they are held in nanoseconds already.
            if getattr(dtype, "unit", "ns") != "ns":
                series = series.astype(str(dtype).replace(f"[{dtype.unit}", "[ns"))
            data = _np.asarray(series.array.asi8, dtype=_np.int64)
            return (name, "datetime", _np.ascontiguousarray(data), None)
        if isinstance(dtype, pandas.api.extensions.ExtensionDtype) and dtype.kind in "iufb":
            mask = _np.ascontiguousarray(series.isna().to_numpy(dtype=_np.bool_))
            if dtype.kind == "f":
                return (name, "float", _np.ascontiguousarray(series.to_numpy(dtype=_np.float64, na_value=_np.nan)), None)
            if dtype.kind == "b":
                return (name, "bool", _np.ascontiguousarray(series.to_numpy(dtype=_np.bool_, na_value=False)), mask)
            try:
                data = series.to_numpy(dtype=_np.int64, na_value=0)
            except (OverflowError, TypeError, ValueError):
                raise ValueError(f"column `{name}` holds integers that do not fit 64 bits") from None
            return (name, "int", _np.ascontiguousarray(data), mask)
        if dtype.kind in "OSU" or isinstance(dtype, pandas.StringDtype):
            return (name, "object", _np.ascontiguousarray(series.to_numpy(dtype=object)), None)
        values = series.to_numpy()
    array = _np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"column `{name}` is not one-dimensional (shape {array.shape})")
    kind = array.dtype.kind
    if kind == "O":
        return (name, "object", _np.ascontiguousarray(array), None)
    if kind in "SU":
        return (name, "object", _np.ascontiguousarray(array.astype(object)), None)
    if kind == "f":
        return (name, "float", _np.ascontiguousarray(array, dtype=_np.float64), None)
    if kind in "iu":
        return (name, "int", _np.ascontiguousarray(_integers(name, array)), None)
    if kind == "b":
        return (name, "bool", _np.ascontiguousarray(array, dtype=_np.bool_), None)
    if kind == "M":
        return (name, "datetime", _np.ascontiguousarray(array.astype("datetime64[ns]").view(_np.int64)), None)
    raise TypeError(f"column `{name}` holds {array.dtype} values, which records cannot hold "
                    "(use strings, numbers, booleans, datetimes or categories)")


def _integers(name: str, array) -> _np.ndarray:
    if array.dtype.kind == "u" and array.dtype.itemsize == 8 and array.size and array.max() > _np.iinfo(_np.int64).max:
        raise ValueError(f"column `{name}` holds integers that do not fit 64 bits")
    try:
        return _np.asarray(array, dtype=_np.int64)
    except OverflowError:
        raise ValueError(f"column `{name}` holds integers that do not fit 64 bits") from None


def _columns_of(data) -> tuple:
    """(columns by name, row count) of a DataFrame or a mapping of arrays."""
    if hasattr(data, "columns") and hasattr(data, "__getitem__") and hasattr(data, "index"):
        columns = {str(name): data[name] for name in data.columns}
        return columns, len(data.index)
    if isinstance(data, Mapping):
        columns = {str(name): values for name, values in data.items()}
        lengths = {name: len(values) for name, values in columns.items()}
        if len(set(lengths.values())) > 1:
            listing = ", ".join(f"`{name}` {length}" for name, length in lengths.items())
            raise ValueError(f"the columns differ in length: {listing}")
        return columns, next(iter(lengths.values()), 0)
    raise TypeError("decide_columns takes a pandas DataFrame or a mapping of column names to arrays")


# ---- policies


class Policy:
    """A compiled policy: immutable, and safe to use from many threads at once."""

    def __init__(self, native, warnings: Sequence[Diagnostic] = ()):
        self._native = native
        self.warnings = list(warnings)  # lints of the source, as `usegate check` prints them

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def version(self) -> str:
        return self._native.version

    @property
    def title(self) -> str:
        return self._native.title

    @property
    def reason_names(self) -> tuple:
        """The reasons decisions name, in the policy's order: `default`, the rules, the opt-outs."""
        return tuple(self._native.reason_names)

    def _run(self, now, purpose, bindings, consent):
        seconds = _epoch_seconds(now)
        bindings_text, bindings_name = _bindings(bindings)
        try:
            run = _usegate.Run(self._native, bindings_text, bindings_name, _consent(consent), seconds,
                               _purposes(purpose))
        except _usegate.InputError as error:
            raise _input_error(str(error)) from None
        notes, rejected, read_as_off = run.consent_notes()
        if notes:
            lines = [f"line {line}: {'read as off' if applied else 'rejected'}: {message} [{cause}]"
                     for line, applied, cause, message in notes]
            more = rejected + read_as_off - len(notes)
            if more > 0:
                lines.append(f"and {more} more")
            _warnings.warn("consent changes not applied as written:\n  " + "\n  ".join(lines), ConsentWarning,
                           stacklevel=3)
        return run

    def decide(self, record: Mapping, now=None, purpose=None, consent=None, bindings=None) -> Decision:
        """Decides one record (a dict as ``json.loads`` gives it) as ``usegate eval`` decides it.

        ``now``: a datetime, ISO-8601 text or epoch seconds (default: the current time).
        ``purpose``: a purpose or a list of them; the record must be allowed for all of them.
        ``consent``: setting changes (a DataFrame, a list of dicts, or a JSON Lines path).
        ``bindings``: where the policy's inputs are in the record (a path, YAML text, or a dict).
        None, NaN and NaT are missing; datetimes are read as their ISO-8601 text.
        """
        if not isinstance(record, Mapping):
            raise TypeError("decide takes a record as a dict; use decide_columns for tables")
        decision, reason = self._run(now, purpose, bindings, consent).decide_json(_json_line(record))
        return Decision(decision == "allow", decision, reason)

    def decide_columns(self, data, now=None, purpose=None, bindings=None, consent=None, threads: int = 1) -> ColumnDecisions:
        """Decides every row of a DataFrame (or a mapping of column names to arrays).

        A column feeds the record field of its name (a nested field by its dotted path, as
        ``pandas.json_normalize`` names it); a field with no column is missing in every row.
        Columns: object/str, category (each category read once), nullable Int/Float/boolean,
        datetime64 with or without a time zone (read as their ISO-8601 text), numbers (epoch
        seconds for times). None, NaN, NaT and NA are missing; other values the policy cannot
        read are unknown, as ``usegate eval`` reads them. The interpreter lock is released while
        deciding; ``threads`` splits the rows across that many threads.
        """
        if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 256:
            raise ValueError("`threads` is a number of threads from 1 to 256")
        columns, rows = _columns_of(data)
        run = self._run(now, purpose, bindings, consent)
        specs = [_column_spec(name, columns[name], rows) for name in run.field_names() if name in columns]
        allowed, reason = run.decide_columns(specs, rows, threads)
        return ColumnDecisions(allowed, reason, self.reason_names + ("invalid_input",))

    def filter_jsonl(self, src, dst, denied=None, rejects=None, now=None, purpose=None, bindings=None, consent=None,
                     threads: int = 1, max_line: int = 64 << 20) -> dict:
        """Runs ``usegate filter``: the allowed records of ``src`` to ``dst``, byte for byte.

        ``src``, ``dst``, ``denied`` and ``rejects`` are paths or binary files with a
        ``fileno()``. Returns the summary ``usegate filter --summary`` writes, as a dict.
        """
        if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 256:
            raise ValueError("`threads` is a number of threads from 1 to 256")
        run = self._run(now, purpose, bindings, consent)
        opened = []
        try:
            descriptors = []
            for target, mode in ((src, "rb"), (dst, "wb"), (denied, "wb"), (rejects, "wb")):
                if target is None:
                    descriptors.append(-1)
                elif hasattr(target, "fileno"):
                    if hasattr(target, "flush"):
                        target.flush()
                    descriptors.append(target.fileno())
                else:
                    file = open(_os.fspath(target), mode)
                    opened.append(file)
                    descriptors.append(file.fileno())
            return run.filter(descriptors[0], descriptors[1], descriptors[2], descriptors[3], threads, max_line)
        finally:
            for file in opened:
                file.close()

    def __repr__(self) -> str:
        return f"<usegate.Policy {self.name} version {self.version or '-'}>"


def _diagnostics(entries) -> list:
    return [Diagnostic(entry["file"], entry["line"], entry["column"], entry["severity"], entry["message"],
                       entry["help"]) for entry in entries]


def _public_key(verify_key) -> Optional[bytes]:
    """A ``verify_key`` as its 32 bytes: the bytes themselves, or a public key file of
    ``usegate keygen`` (``NAME.pub``)."""
    if verify_key is None:
        return None
    if isinstance(verify_key, (bytes, bytearray, memoryview)):
        return bytes(verify_key)
    return _usegate.read_public_key_file(_os.fspath(verify_key))


def load(artifact: Union[str, _os.PathLike, bytes],
         verify_key: Union[None, bytes, str, _os.PathLike] = None) -> Policy:
    """Loads an artifact built with ``usegate build``, from its path or its bytes.

    With ``verify_key`` (a public key's 32 bytes, or the path of a ``.pub`` file of ``usegate
    keygen``), only an artifact signed by that key loads: an unsigned one, one signed by another
    key, or one whose bytes were changed after signing raises PolicyError, as ``usegate eval
    --verify-key`` refuses it. A key that is not 32 bytes, or a file holding no public key,
    raises ValueError."""
    key = _public_key(verify_key)
    if isinstance(artifact, (bytes, bytearray, memoryview)):
        data, name = bytes(artifact), "artifact"
    else:
        name = _os.fspath(artifact)
        with open(name, "rb") as file:
            data = file.read()
    native, message = _usegate.load_artifact(data, key)
    if native is None:
        raise PolicyError(f"{name}: error: {message}\n", [Diagnostic(name, 0, 0, "error", message, "")])
    return Policy(native)


def compile(path_or_text: Union[str, _os.PathLike],
            verify_key: Union[None, bytes, str, _os.PathLike] = None) -> Policy:
    """Compiles a policy from its path or its text (a string holding a line break, or naming no
    file). An artifact's path is loaded as ``load`` would. Raises PolicyError with the
    diagnostics ``usegate check`` prints. With ``verify_key``, only an artifact signed by that
    key is accepted (see ``load``): a policy source vouches for nothing and raises PolicyError."""
    key = _public_key(verify_key)
    if isinstance(path_or_text, _os.PathLike) or ("\n" not in path_or_text and _os.path.isfile(path_or_text)):
        name = _os.fspath(path_or_text)
        with open(name, "rb") as file:
            data = file.read()
        if data.startswith(_ARTIFACT_MAGIC):
            return load(data, key)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"the policy file is not UTF-8 text (byte {error.start})"
            raise PolicyError(f"{name}: error: {message}\n", [Diagnostic(name, 0, 0, "error", message, "")]) from None
    elif "\n" not in path_or_text and (path_or_text.endswith((".policy", ".ugt")) or _os.sep in path_or_text):
        raise FileNotFoundError(f"no policy file `{path_or_text}`")
    else:
        name, text = "<string>", path_or_text
    if key is not None:
        message = ("a policy source cannot be verified: with `verify_key` only an artifact signed by that key is "
                   "accepted (`usegate build POLICY --sign SECRET_KEY -o FILE` makes one)")
        raise PolicyError(f"{name}: error: {message}\n", [Diagnostic(name, 0, 0, "error", message, "")])
    native, entries = _usegate.compile_source(text, name)
    diagnostics = _diagnostics(entries)
    if native is None:
        rendered = "".join(entry["rendered"] for entry in entries)
        raise PolicyError(rendered, diagnostics)
    return Policy(native, [d for d in diagnostics if d.severity == "warning"])
