"""The ADTTE parameter of each time-to-event endpoint: PARAMCD and PARAM, a protocol setting.

Downstream programs read PARAMCD as admiralonco and FDA usage define it: ``PFS`` is
progression-free survival, whose event is progression *or death*. The engine's ``pfs``
endpoint counts progression alone (a death is censored), which is time to progression, so its
default PARAMCD is ``TTP``, with the protocol's own name in PARAM; the protocol's rPFS
(progression or death) keeps ``RPFS``. A trial names them otherwise with
``recist export adtte --parameter ENDPOINT=PARAMCD[:PARAM]``; a PARAMCD is at most 8
characters (SAS names: a letter, then letters, digits or underscores), and ``PFS`` is refused
for the progression-only endpoint (no parameter named PFS may ignore deaths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Parameter:
    """A BDS parameter: PARAMCD (at most 8 characters) and PARAM."""

    code: str
    name: str


#: The endpoints that ADTTE writes: those of ``recist endpoints`` (rpfs, pfs), overall
#: survival (when deaths are recorded), duration of response and time to response.
ENDPOINTS = ("rpfs", "pfs", "os", "dor", "ttr")
DEFAULT_PARAMETERS: dict[str, Parameter] = {
    "rpfs": Parameter("RPFS", "Radiological Progression-Free Survival (progression or death)"),
    "pfs": Parameter("TTP", "Time to progression (the protocol's PFS: progression only)"),
    "os": Parameter("OS", "Overall Survival"),
    "dor": Parameter("DOR", "Duration of Response (responders; progression or death)"),
    "ttr": Parameter("TTR", "Time to Response (responders)"),
}
#: PARAMCDs that downstream programs read as counting deaths as events.
_COUNT_DEATHS = frozenset({"PFS", "RPFS", "OS", "EFS", "DFS"})
_PARAMCD = re.compile(r"[A-Z][A-Z0-9_]{0,7}")


def parse_parameter(text: str) -> tuple[str, Parameter]:
    """``ENDPOINT=PARAMCD[:PARAM]`` (``pfs=TTP:Time to progression``); ValueError names the fix."""
    endpoint, equals, rest = text.partition("=")
    endpoint = endpoint.strip().lower()
    if not equals or endpoint not in ENDPOINTS:
        raise ValueError(
            f"'{text}': write ENDPOINT=PARAMCD[:PARAM] with ENDPOINT one of {', '.join(ENDPOINTS)}"
        )
    code, _, name = rest.partition(":")
    code, name = code.strip().upper(), name.strip()
    if not _PARAMCD.fullmatch(code):
        raise ValueError(
            f"'{code}' is not a PARAMCD: at most 8 characters, a letter then letters, digits "
            "or underscores"
        )
    if endpoint == "pfs" and code in _COUNT_DEATHS:
        raise ValueError(
            f"'{code}' counts deaths as events, and the pfs endpoint is progression only "
            "(deaths censored); name it TTP, or another code"
        )
    if len(name) > 200:
        raise ValueError("PARAM is at most 200 characters (ADaMIG)")
    return endpoint, Parameter(code, name or DEFAULT_PARAMETERS[endpoint].name)


def parameters(chosen: dict[str, Parameter]) -> dict[str, Parameter]:
    """The defaults with ``chosen`` applied; ValueError when two endpoints share a PARAMCD or
    a PARAM (PARAMCD and PARAM are one to one)."""
    result = {**DEFAULT_PARAMETERS, **chosen}
    codes = [p.code for p in result.values()]
    names = [p.name for p in result.values()]
    if len(set(codes)) < len(codes) or len(set(names)) < len(names):
        raise ValueError(
            "two endpoints share a PARAMCD or a PARAM; give each endpoint its own "
            f"({', '.join(f'{e}={p.code}:{p.name}' for e, p in result.items())})"
        )
    return result
