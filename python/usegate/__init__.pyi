# Type stub of the usegate package (docs/python.md).
import datetime
import os
from typing import Any, BinaryIO, Iterable, Mapping, NamedTuple, Optional, Sequence, Union

import numpy

_Time = Union[datetime.datetime, datetime.date, str, int, float, None]
_Purpose = Union[str, Sequence[str], None]
_Bindings = Union[str, os.PathLike, Mapping[str, Any], None]
_Consent = Union[str, os.PathLike, Iterable[Mapping[str, Any]], Any, None]  # Any: a pandas DataFrame
_File = Union[str, os.PathLike, BinaryIO]

class Diagnostic(NamedTuple):
    file: str
    line: int
    column: int
    severity: str
    message: str
    help: str

class PolicyError(ValueError):
    diagnostics: list[Diagnostic]
    def __init__(self, rendered: str, diagnostics: Sequence[Diagnostic]) -> None: ...

class ConsentWarning(UserWarning): ...

class Decision(NamedTuple):
    allowed: bool
    decision: str
    reason: str

class ColumnDecisions(NamedTuple):
    allowed: numpy.ndarray
    reason: numpy.ndarray
    reason_names: tuple[str, ...]
    def reasons(self) -> Any: ...  # pandas.Categorical

class Policy:
    warnings: list[Diagnostic]
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def reason_names(self) -> tuple[str, ...]: ...
    def decide(self, record: Mapping[str, Any], now: _Time = ..., purpose: _Purpose = ..., consent: _Consent = ...,
               bindings: _Bindings = ...) -> Decision: ...
    def decide_columns(self, data: Any, now: _Time = ..., purpose: _Purpose = ..., bindings: _Bindings = ...,
                       consent: _Consent = ..., threads: int = ...) -> ColumnDecisions: ...
    def filter_jsonl(self, src: _File, dst: _File, denied: Optional[_File] = ..., rejects: Optional[_File] = ...,
                     now: _Time = ..., purpose: _Purpose = ..., bindings: _Bindings = ..., consent: _Consent = ...,
                     threads: int = ..., max_line: int = ...) -> dict[str, Any]: ...

def compile(path_or_text: Union[str, os.PathLike], verify_key: Union[None, bytes, str, os.PathLike] = ...) -> Policy: ...
def load(artifact: Union[str, os.PathLike, bytes], verify_key: Union[None, bytes, str, os.PathLike] = ...) -> Policy: ...
