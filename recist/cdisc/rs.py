"""SDTM RS (SDTMIG v3.4 section 6.3.14; CDISC RECIST 1.1 disease response supplement) from the
engine's results: per read and follow-up visit, ``TRGRESP``, ``NTRGRESP``, ``NEWLIND`` (or
``NEWLPROG``) and ``OVRLRESP``, RSCAT "RECIST 1.1".

- New lesions: NEWLIND "Y" / "N"; an equivocal new lesion is the supplement's New Lesion
  Progression test, ``NEWLPROG`` "EQUIVOCAL" (RSORRES and RSSTRESC alike: the NY codelist of
  NEWLIND has no word for it), and the visit that confirms it carries ``NEWLPROG``
  "UNEQUIVOCAL" beside NEWLIND "Y" (RECIST 1.1 section 4.3.2: progression then dates back to
  the equivocal sighting, which ADRS's PD and ADTTE do).
- RSLNKGRP on the OVRLRESP record (as in the supplement), linking it to the TR records of the
  read and visit it was derived from: their TRLNKGRP when TR has one (``sdtm-import`` carries
  it as ``lnkgrp``), else ``V<VISITNUM>``, then ``-<RSEVALID>`` when the read has an evaluator
  identifier (unique within the subject), the TRLNKGRP a TR of that read and visit is to
  carry (RELREC joins RS and TR on it).
- RSDRVFL "Y" on every record derived by the engine from measurements; empty when the input
  is a responses file (the reader's own responses, collected).
- VISITNUM: ``recist.cdisc.reads.visit_numbers``. RSSEQ numbers each subject's records over
  every read of the input, so that ``--reader`` keeps the numbers of the records it keeps.
"""

from __future__ import annotations

from recist.cdisc.datasets import Column, OutputDataset, Value
from recist.cdisc.reads import Read, visit_numbers
from recist.model import NewLesions, Response
from recist.results import TimepointResult

RS_TESTS = {
    "TRGRESP": "Target Response",
    "NTRGRESP": "Non-target Response",
    "NEWLIND": "New Lesion Indicator",
    "NEWLPROG": "New Lesion Progression",
    "OVRLRESP": "Overall Response",
}
RS_COLUMNS = (
    Column("STUDYID", "Study Identifier"),
    Column("DOMAIN", "Domain Abbreviation"),
    Column("USUBJID", "Unique Subject Identifier"),
    Column("RSSEQ", "Sequence Number", "num"),
    Column("RSLNKGRP", "Link Group ID"),
    Column("RSTESTCD", "Assessment Short Name"),
    Column("RSTEST", "Assessment Name"),
    Column("RSCAT", "Category for Assessment"),
    Column("RSORRES", "Result or Finding in Original Units"),
    Column("RSSTRESC", "Character Result/Finding in Std Format"),
    Column("RSDRVFL", "Derived Flag"),
    Column("RSEVAL", "Evaluator"),
    Column("RSEVALID", "Evaluator Identifier"),
    Column("VISITNUM", "Visit Number", "num"),
    Column("VISIT", "Visit Name"),
    Column("RSDTC", "Date/Time of Assessment"),
)
RS_INDEX = {column.name: index for index, column in enumerate(RS_COLUMNS)}


def sdtm_rs(reads: list[Read], kept: list[Read] | None = None) -> OutputDataset:
    """SDTM RS of the ``kept`` reads (default all), numbered over all ``reads``."""
    visits = visit_numbers(reads)
    rows: list[tuple[Value, ...]] = []
    sequence: dict[str, int] = {}
    keep = {id(read) for read in (reads if kept is None else kept)}
    for read in sorted(reads, key=lambda r: (r.key.subject_id, r.key.reader or "")):
        rseval, rsevalid = read.rseval
        confirmed = {o.confirmed_on for o in read.assessment.new_lesion_onsets}
        for tp in read.assessment.follow_ups:
            dtc = read.dtc.get(tp.timepoint, (tp.date.isoformat(), False))[0]
            visitnum = visits.get(tp.timepoint, "")
            group = read.link_group.get(tp.timepoint) or (
                f"V{visitnum}" + (f"-{rsevalid}" if rsevalid else "")
            )
            for code, name in RS_TESTS.items():
                original, standard = _rs_result(tp, code, tp.date in confirmed)
                if not original:
                    continue
                seq = sequence[read.key.subject_id] = sequence.get(read.key.subject_id, 0) + 1
                if id(read) not in keep:
                    continue
                rows.append(
                    (read.study_id, "RS", read.key.subject_id, seq,
                     group if code == "OVRLRESP" else "", code, name, "RECIST 1.1",
                     original, standard, "Y" if read.derived else "", rseval, rsevalid,
                     visitnum or None, tp.timepoint, dtc)
                )  # fmt: skip
    return OutputDataset("RS", "Disease Response and Clin Classification", RS_COLUMNS, tuple(rows))


def _rs_result(tp: TimepointResult, code: str, confirms: bool) -> tuple[str, str]:
    """RSORRES and RSSTRESC; empty when not applicable (no non-target disease: no NTRGRESP;
    NEWLPROG only for an equivocal new lesion or the visit that confirms one)."""
    lesions = tp.new_lesions
    if code == "NEWLIND":
        if lesions is None or lesions is NewLesions.EQUIVOCAL:
            return "", ""
        return lesions.value, lesions.value
    if code == "NEWLPROG":
        if lesions is NewLesions.EQUIVOCAL:
            return "EQUIVOCAL", "EQUIVOCAL"
        if confirms and lesions is NewLesions.YES:
            return "UNEQUIVOCAL", "UNEQUIVOCAL"
        return "", ""
    response = {
        "TRGRESP": tp.target_response,
        "NTRGRESP": tp.non_target_response,
        "OVRLRESP": tp.overall_response,
    }[code]
    if response is None or response is Response.NA:
        return "", ""
    return response.value, response.value
