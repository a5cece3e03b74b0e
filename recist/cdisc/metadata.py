"""What define.xml says of each dataset and variable beyond what writes the XPT files.

The XPT files and define.xml are written from the same ``OutputDataset``: its name, label and
columns (name, label, type) and its values (lengths, codelists). This table adds only what the
data cannot tell: each variable's origin (define.xml 2.1: Collected, Derived, Assigned,
Predecessor; a Collected variable of an ADaM dataset is written Predecessor, as ADaM takes it
from SDTM or the subjects file) and the derivation or comment that says where it comes from,
each dataset's class, structure and keys. ``describe`` raises ``KeyError`` for a variable the
table lacks, so that a variable added to a dataset cannot reach define.xml undescribed (the
tests export every dataset and describe every variable).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DatasetMeta:
    """A dataset's class, structure, keys, standard and whether it is SDTM or ADaM."""

    klass: str
    structure: str
    keys: tuple[str, ...]
    sdtm: bool = False
    subclass: str = ""


@dataclass(frozen=True, slots=True)
class VariableMeta:
    """A variable's origin, its derivation (or predecessor, or comment) and whether its
    values are listed as a codelist (with PARAM, RSTEST as the decodes of PARAMCD, RSTESTCD)."""

    origin: str
    text: str
    codelist: bool = False
    #: Who collected it (define.xml 2.1 def:Source of a Collected origin): the sponsor, or the
    #: central imaging vendor (the reads).
    source: str = "Sponsor"


_BDS = "BASIC DATA STRUCTURE"
DATASETS: dict[str, DatasetMeta] = {
    "RS": DatasetMeta(
        "FINDINGS", "One record per test per visit per evaluator per subject",
        ("STUDYID", "USUBJID", "RSEVAL", "RSEVALID", "RSTESTCD", "VISITNUM"), sdtm=True,
    ),
    "ADSL": DatasetMeta("SUBJECT LEVEL ANALYSIS DATASET", "One record per subject",
                        ("STUDYID", "USUBJID")),
    "ADRS": DatasetMeta(
        _BDS, "One record per parameter per analysis date per evaluator per subject",
        ("STUDYID", "USUBJID", "RSEVAL", "RSEVALID", "PARAMCD", "ADT", "AVISIT"),
    ),
    "ADTTE": DatasetMeta(
        _BDS, "One record per parameter per evaluator per subject",
        ("STUDYID", "USUBJID", "RSEVAL", "RSEVALID", "PARAMCD"), subclass="TIME-TO-EVENT",
    ),
    "ADTR": DatasetMeta(
        _BDS, "One record per parameter per analysis visit per evaluator per subject",
        ("STUDYID", "USUBJID", "TREVAL", "TREVALID", "PARAMCD", "AVISITN"),
    ),
}  # fmt: skip

_ENGINE = "recist (RECIST 1.1 engine)"
_EVALUATOR = (
    "The input's evaluator (sdtm-import: TREVAL), else --evaluator (default INDEPENDENT "
    "ASSESSOR); RSEVALID the reader when it differs"
)
#: By variable name, or ``DATASET.NAME`` where a dataset's variable differs.
VARIABLES: dict[str, VariableMeta] = {
    "STUDYID": VariableMeta("Assigned", "--study-id, else the input's study_id (SDTM STUDYID)"),
    "DOMAIN": VariableMeta("Assigned", "RS", True),
    "USUBJID": VariableMeta("Collected", "The input's subject_id (SDTM USUBJID)"),
    "SUBJID": VariableMeta("Collected", "The subjects file's subjid, else subject_id"),
    "RSSEQ": VariableMeta(
        "Derived", "Numbers each subject's records over every read of the input, in read, "
        "visit and test order",
    ),
    "ADRS.RSSEQ": VariableMeta("Predecessor", "RS.RSSEQ of the OVRLRESP record of AVISIT"),
    "RSLNKGRP": VariableMeta(
        "Derived", "On OVRLRESP: the TRLNKGRP of the TR records of that read and visit; without "
        "one, V<VISITNUM>, then -<RSEVALID> when given",
    ),
    "RSTESTCD": VariableMeta("Assigned", "RECIST 1.1 disease response supplement", True),
    "RSTEST": VariableMeta("Assigned", "The name of RSTESTCD", True),
    "RSCAT": VariableMeta("Assigned", "RECIST 1.1", True),
    "RSORRES": VariableMeta("Derived", f"{_ENGINE}: the response of the read at the visit"),
    "RSSTRESC": VariableMeta("Derived", "RSORRES (NEWLPROG: EQUIVOCAL / UNEQUIVOCAL)", True),
    "RSDRVFL": VariableMeta("Assigned", "Y when derived from measurements", True),
    "RSEVAL": VariableMeta("Collected", _EVALUATOR, True, "Vendor"),
    "RSEVALID": VariableMeta("Collected", "The reader (the input's reader column)", True, "Vendor"),
    "TREVAL": VariableMeta("Collected", _EVALUATOR, True, "Vendor"),
    "TREVALID": VariableMeta("Collected", "The reader (the input's reader column)", True, "Vendor"),
    "VISITNUM": VariableMeta(
        "Derived", "The input's VISITNUM when it gives one for every visit, else the visits "
        "ordered by median study day and numbered 1, 2, ...",
    ),
    "VISIT": VariableMeta("Collected", "The input's timepoint", source="Vendor"),
    "RSDTC": VariableMeta(
        "Collected", "The visit's date (TRDTC as recorded when imported)", source="Vendor"
    ),
    "ARM": VariableMeta("Collected", "The subjects file's --arm-column", True),
    "ARMCD": VariableMeta("Derived", "The armcd column, else ARM in capitals (A-Z, 0-9, _)", True),
    "ADSL.TRT01P": VariableMeta("Predecessor", "ADSL.ARM (the randomized arm)", True),
    "TRT01P": VariableMeta("Predecessor", "ADSL.TRT01P", True),
    "ACTARM": VariableMeta(
        "Collected", "The subjects file's actual_arm (the arm received; empty: not treated)", True
    ),
    "ACTARMCD": VariableMeta("Derived", "ARMCD of the arm ACTARM names", True),
    "ARMNRS": VariableMeta("Derived", "ASSIGNED, NOT TREATED when ACTARM is empty", True),
    "ADSL.TRT01A": VariableMeta("Predecessor", "ADSL.ACTARM (the arm received)", True),
    "TRT01A": VariableMeta("Predecessor", "ADSL.TRT01A", True),
    "TRTSDT": VariableMeta("Collected", "The subjects file's treatment_start_date"),
    "TRTEDT": VariableMeta("Collected", "The subjects file's treatment_end_date"),
    "SAFFL": VariableMeta("Derived", "Y when TRTSDT is given (treatment started), else N", True),
    "AGE": VariableMeta("Collected", "The subjects file's age (whole years)"),
    "AGEU": VariableMeta("Assigned", "YEARS when AGE is given", True),
    "SEX": VariableMeta("Collected", "The subjects file's sex (CDISC SEX codelist)", True),
    "RACE": VariableMeta("Collected", "The subjects file's race (CDISC RACE codelist)", True),
    "RANDDT": VariableMeta("Collected", "The subjects file's randomization_date"),
    "STRATR": VariableMeta("Collected", "The subjects file's --strata column, in order", True),
    "DTHDT": VariableMeta("Collected", "The subjects file's death_date"),
    "DTHFL": VariableMeta("Derived", "Y when DTHDT is given", True),
    "ITTFL": VariableMeta("Derived", "Y for every randomized subject", True),
    "PPROTFL": VariableMeta(
        "Derived", "recist report's per-protocol population: eligible, no major deviation, a "
        "baseline, at least --pp-evaluations adequate evaluations", True,
    ),
    "PPROTRS": VariableMeta("Derived", "The reasons PPROTFL is N, joined with '; '"),
    "PARAMCD": VariableMeta("Assigned", "admiralonco's parameter codes (ADTTE: --parameter)", True),
    "PARAM": VariableMeta("Assigned", "The name of PARAMCD; ' by <reader>' with one evaluator"),
    "PARCAT1": VariableMeta("Assigned", "Tumor Response (DEATH: Reference Event)", True),
    "PARCAT2": VariableMeta("Derived", "RSEVAL (TREVAL) in title case", True),
    "PARCAT3": VariableMeta("Assigned", "RECIST 1.1", True),
    "AVISIT": VariableMeta("Derived", "VISIT of the assessment the record comes from"),
    "AVISITN": VariableMeta("Derived", "VISITNUM of AVISIT"),
    "ADT": VariableMeta(
        "Derived", "The date of the assessment the record comes from (PD: the progression date, "
        "an equivocal new lesion's first sighting when later confirmed); ADTTE: the event or "
        "censoring date",
    ),
    "ADY": VariableMeta("Derived", "ADT - STARTDT + 1 on or after STARTDT, ADT - STARTDT before"),
    "ADTF": VariableMeta("Derived", "D (day) or M (month and day) when ADT was imputed", True),
    "AVALC": VariableMeta("Derived", f"{_ENGINE}: the response, or Y/N", True),
    "AVAL": VariableMeta(
        "Derived", "ADRS: CR 1, PR 2, SD 3, NON-CR/NON-PD 4, PD 5, NE 6, Y 1, N 0; ADTTE: "
        "ADT - STARTDT + 1 days; ADTR: the sum of the target lesions' diameters (mm)",
    ),
    "AVALU": VariableMeta("Assigned", "DAYS (ADTTE), mm (ADTR)", True),
    "ANL01FL": VariableMeta(
        "Derived", "OVR: on or after STARTDT and before new_therapy_date; derived parameters Y; "
        "ADTR: baseline and on or after STARTDT", True,
    ),
    "ANL02FL": VariableMeta(
        "Derived", "Y up to and including the read's first PD (of the OVR record the record "
        "comes from)", True,
    ),
    "STARTDT": VariableMeta("Derived", "RANDDT, else the baseline assessment's date"),
    "ASEQ": VariableMeta(
        "Derived", "Numbers each subject's records over every read of the input, by read, "
        "PARAMCD and ADT",
    ),
    "CNSR": VariableMeta("Derived", f"{_ENGINE}: 0 event, 1 censored", True),
    "EVNTDESC": VariableMeta("Derived", "admiralonco's words for the event or censoring", True),
    "CNSDTDSC": VariableMeta("Derived", "admiralonco's words for the censoring date", True),
    "SRCDOM": VariableMeta("Derived", "The dataset of the record that carries ADT", True),
    "SRCVAR": VariableMeta("Derived", "The variable that carries ADT", True),
    "SRCSEQ": VariableMeta(
        "Derived", "ADRS.ASEQ of the record that carries ADT: PD (Y) for a progression, OVR "
        "for an assessment",
    ),
    "ABLFL": VariableMeta("Derived", "Y on the baseline assessment", True),
    "BASE": VariableMeta("Derived", "AVAL at baseline"),
    "CHG": VariableMeta("Derived", "AVAL - BASE"),
    "PCHG": VariableMeta("Derived", f"{_ENGINE}: (AVAL - BASE) / BASE * 100, to 0.01 toward 0"),
    "NADIR": VariableMeta("Derived", "The smallest sum before this visit, baseline included"),
    "CHGNAD": VariableMeta("Derived", "AVAL - NADIR"),
    "PCHGNAD": VariableMeta(
        "Derived", f"{_ENGINE}: (AVAL - NADIR) / NADIR * 100, to 0.01 toward 0"
    ),
}  # fmt: skip


def describe(dataset: str, variable: str) -> VariableMeta:
    """The metadata of ``variable`` in ``dataset``; KeyError when the table lacks it."""
    if f"{dataset}.{variable}" in VARIABLES:
        return VARIABLES[f"{dataset}.{variable}"]
    if variable.startswith("STRAT") and variable.endswith("R"):
        return VARIABLES["STRATR"]
    return VARIABLES[variable]
