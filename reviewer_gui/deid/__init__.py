"""De-identifying import of site data into a reading project (Qt-free).

``recist-review import SOURCE_DIR PROJECT_DIR`` (:func:`import_studies`) copies every image
study under ``SOURCE_DIR`` into the reading project, de-identified per DICOM PS3.15 Annex E:
the Basic Application Level Confidentiality Profile (Table E.1-1, taken as data from the
``dicom-anonymizer`` package: :mod:`reviewer_gui.deid.profile`) with the Retain Longitudinal
Temporal Information with Modified Dates Option (E.3.6): every date of a subject moves by the
same secret whole-day offset, so intervals survive. Each subject gets a random case id
(``CASE-7K3F``), each study a timepoint label (``BASELINE``, ``FU1``...) in date order, and
is registered through the reading model. The mapping (real id -> case id, offsets, UID map)
goes to a key file outside the project (:class:`DeidKey`), mode 0600, and the project
records which key it is imported with. Imports into one project take turns (a lock); every
image is read and decoded before its study is stored (:mod:`reviewer_gui.deid.checks`), and
every stored file's SHA-256 is recorded with its timepoint (``audit verify`` checks them); a
damaged stored study is replaced by a clean re-send (:mod:`reviewer_gui.deid.resend`).
"""

from reviewer_gui.deid.checks import DamagedImage
from reviewer_gui.deid.dataset import (
    METHOD,
    METHOD_CODES,
    DeidentificationRefused,
    SubjectKey,
    deidentify,
    shift_date,
    shift_datetime,
)
from reviewer_gui.deid.importer import (
    IMAGES,
    PROJECT_DB,
    ImportedStudy,
    ImportRefused,
    ImportReport,
    default_key_file,
    import_studies,
    timepoint_label,
)
from reviewer_gui.deid.key import DeidKey, KeyFileError
from reviewer_gui.deid.profile import (
    STANDARD_EDITION,
    Action,
    BasicProfile,
    TableRow,
    basic_profile,
)

__all__ = [
    "IMAGES",
    "METHOD",
    "METHOD_CODES",
    "PROJECT_DB",
    "STANDARD_EDITION",
    "Action",
    "BasicProfile",
    "DamagedImage",
    "DeidKey",
    "DeidentificationRefused",
    "ImportRefused",
    "ImportReport",
    "ImportedStudy",
    "KeyFileError",
    "SubjectKey",
    "TableRow",
    "basic_profile",
    "default_key_file",
    "deidentify",
    "import_studies",
    "shift_date",
    "shift_datetime",
    "timepoint_label",
]
