"""The reading project's SQLite schema: append-only, versioned.

Every user action is one row of ``change_log`` (who, when, what, on which subject / read /
timepoint / lesion) and the rows it adds to the entity tables, all in one transaction. Nothing
is ever updated or deleted (triggers refuse it): an edit adds a new version of the entity and
the latest version is the current one; superseded versions stay, so the audit trail and the
re-reads of a later version (21 CFR Part 11 spirit: "nothing is ever deleted, only
superseded") can be built on what is already recorded.

Schema 2 adds the review tables (:data:`REVIEW_TABLES`): re-reads (which signatures they
supersede; the reason is ``change_log.reason``), the study's users (salted password hashes,
never passwords) and the audit trail, a hash chain of one record per action
(``reviewer_gui.store.audit``).

Schema 3 adds the study accounts' security records (:data:`ACCOUNT_TABLES`): failed and
successful password checks, lockouts and unlocks (``account_event``, whose latest row of a
name is the account's state), the lockout threshold (``account_setting``), and the "must
change" flag of a password the study administrator reset (``app_user.must_change``). It is a
version of its own, not an addition within schema 2: a program of schema 2 would open the file
and let a locked account, or a password only the administrator knows, sign in.

Schema 4 adds what makes the images and the signatures checkable (:data:`IMAGE_TABLES`):
the SHA-256 of every image file an import stored (``image_file``, rows of the change that
registered the timepoint, in its transaction), and later records of a study's files
(``image_update``: a damaged study replaced by the site's corrected re-send, or the files of a
study imported before hashes were recorded), keyed by their audit record.

Schema 5 adds what the reading assistance records (:data:`READING_COLUMNS`): where a
non-target or new lesion is (``lesion_version.point_*``: timepoint, series, slice, row,
column, set by a click), whether each measured axis was drawn by hand or proposed by the
one-click measurement and accepted or adjusted (``axis_measurement.provenance``), and
observation versions that take an entry back (``observation_version.retracted``: the undo of
a lesion's first entry at a timepoint). Older rows read NULL: no point, drawn by hand, not
retracted.

Schema 6 adds derived data (:data:`DERIVED_TABLES`), which is not part of the record: each
user's cache of registrations of a follow-up series to an earlier one (``registration``: the
user, both series' UIDs, the SHA-256 of the registration's inputs, the method, the
registration as JSON, when it was computed). A row is recomputable from the images at any
time, so it is written and replaced without an audit record, is not append-only (no
triggers: a newer registration of the pair replaces the row), is not checked by ``audit
verify`` and is not copied by ``recist-review migrate``. Each user sees and writes only their
own rows (on PostgreSQL the server enforces it: ``postgres.derived``). CHECKs bound every
column's length and the JSON's size, so the table holds registrations and nothing else.

``PRAGMA application_id`` marks the file as a reading project; ``PRAGMA user_version`` is the
schema version (migrations go in :data:`MIGRATIONS`).
"""

from __future__ import annotations

#: "RCST" in ASCII: identifies a reading project file (``PRAGMA application_id``).
APPLICATION_ID = 0x52435354
SCHEMA_VERSION = 6

TABLES: dict[str, str] = {
    "project_info": """
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL""",
    "change_log": """
        change_id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL CHECK (actor <> ''),
        at TEXT NOT NULL,              -- ISO 8601, UTC
        case_id TEXT NOT NULL,
        reader TEXT,                   -- NULL for changes to the subject itself
        timepoint TEXT,
        lesion_id TEXT,
        reason TEXT NOT NULL DEFAULT ''""",
    "subject": """
        change_id INTEGER PRIMARY KEY REFERENCES change_log,
        case_id TEXT NOT NULL UNIQUE""",
    "timepoint": """
        change_id INTEGER PRIMARY KEY REFERENCES change_log,
        case_id TEXT NOT NULL REFERENCES subject (case_id),
        label TEXT NOT NULL,
        scan_date TEXT NOT NULL,       -- ISO 8601 date
        study_uid TEXT,                -- NULL when no series is attached
        series_uid TEXT,
        series_folder TEXT,
        slice_thickness_mm TEXT,       -- exact decimal
        UNIQUE (case_id, label)""",
    "lesion_version": """
        change_id INTEGER PRIMARY KEY REFERENCES change_log,
        case_id TEXT NOT NULL REFERENCES subject (case_id),
        reader TEXT NOT NULL,
        lesion_id TEXT NOT NULL,
        category TEXT NOT NULL CHECK (category IN ('TARGET', 'NON-TARGET', 'NEW')),
        organ TEXT NOT NULL,
        detail TEXT NOT NULL,
        is_node INTEGER NOT NULL CHECK (is_node IN (0, 1)),
        retired INTEGER NOT NULL CHECK (retired IN (0, 1)),
        point_timepoint TEXT,          -- schema 5: where the lesion is marked (NULL: not)
        point_series_uid TEXT,
        point_sop_instance_uid TEXT,
        point_slice_index INTEGER,
        point_row REAL,
        point_col REAL""",
    "observation_version": """
        change_id INTEGER PRIMARY KEY REFERENCES change_log,
        case_id TEXT NOT NULL,
        reader TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        lesion_id TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        retracted INTEGER CHECK (retracted IN (0, 1)),  -- schema 5; NULL in older rows: 0
        FOREIGN KEY (case_id, timepoint) REFERENCES timepoint (case_id, label)""",
    "axis_measurement": """
        change_id INTEGER NOT NULL REFERENCES observation_version,
        fragment_position INTEGER NOT NULL,
        fragment TEXT NOT NULL,
        axis TEXT NOT NULL CHECK (axis IN ('long', 'short')),
        slice_index INTEGER NOT NULL,
        sop_instance_uid TEXT NOT NULL,
        start_row REAL NOT NULL,
        start_col REAL NOT NULL,
        end_row REAL NOT NULL,
        end_col REAL NOT NULL,
        row_spacing_mm REAL NOT NULL CHECK (row_spacing_mm > 0),
        col_spacing_mm REAL NOT NULL CHECK (col_spacing_mm > 0),
        length_mm TEXT NOT NULL,       -- exact decimal, what the engine and the export use
        measured_by TEXT NOT NULL,
        measured_at TEXT NOT NULL,
        series_uid TEXT,               -- the series it lies on (NULL: recorded before this)
        slice_thickness_mm TEXT,       -- that series' Slice Thickness, exact decimal
        provenance TEXT CHECK (provenance IN ('drawn', 'proposed', 'adjusted')),  -- schema 5
        PRIMARY KEY (change_id, fragment_position, axis)""",
    "signature": """
        change_id INTEGER PRIMARY KEY REFERENCES change_log,
        case_id TEXT NOT NULL,
        reader TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        signed_by TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        meaning TEXT NOT NULL,
        FOREIGN KEY (case_id, timepoint) REFERENCES timepoint (case_id, label)""",
}

#: Schema 2: re-reads, users and the audit trail (append-only like the reading tables).
REVIEW_TABLES: dict[str, str] = {
    "reread": """
        change_id INTEGER NOT NULL REFERENCES change_log,
        case_id TEXT NOT NULL,
        reader TEXT NOT NULL,
        timepoint TEXT NOT NULL,       -- its latest earlier signature is superseded
        PRIMARY KEY (change_id, timepoint),
        FOREIGN KEY (case_id, timepoint) REFERENCES timepoint (case_id, label)""",
    "app_user": """
        audit_seq INTEGER PRIMARY KEY, -- the audit record that added this version of the user
        name TEXT NOT NULL CHECK (name <> ''),
        role TEXT NOT NULL CHECK (role IN ('reader', 'adjudicator', 'administrator')),
        password_hash TEXT NOT NULL,   -- scrypt, salted (reviewer_gui.review.passwords)
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        must_change INTEGER CHECK (must_change IN (0, 1))  -- schema 3; NULL in older rows: 0""",
    "audit_record": """
        seq INTEGER PRIMARY KEY,       -- 1, 2, 3... in the order of the chain
        at TEXT NOT NULL,              -- ISO 8601, UTC
        actor TEXT NOT NULL CHECK (actor <> ''),
        action TEXT NOT NULL,
        change_id INTEGER UNIQUE REFERENCES change_log,  -- NULL: no change to a reading
        case_id TEXT,
        reader TEXT,
        timepoint TEXT,
        lesion_id TEXT,
        reason TEXT NOT NULL,
        before TEXT NOT NULL,          -- canonical JSON: the rows superseded
        after TEXT NOT NULL,           -- canonical JSON: the rows added
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,     -- SHA-256 of the canonical record and prev_hash
        seal TEXT                      -- HMAC-SHA256 of hash, key kept apart (or NULL)""",
}

#: Added within schema 2 (created on opening a file that lacks them, so no version bump):
#: the records of adjudication, keyed like ``app_user`` by the audit record that added them.
#: ``adjudication_setting`` holds the triggers and schedule (one row per setting changed,
#: canonical JSON values), ``subject_reference`` the reference dates given by the study
#: administrator (randomization dates shifted by the subject's de-identification offset),
#: ``adjudication`` each adjudicator's signed choice of a read.
ADJUDICATION_TABLES: dict[str, str] = {
    "adjudication_setting": """
        audit_seq INTEGER NOT NULL,    -- the audit record that set it
        name TEXT NOT NULL,
        value TEXT NOT NULL,           -- canonical JSON
        PRIMARY KEY (audit_seq, name)""",
    "subject_reference": """
        audit_seq INTEGER NOT NULL,
        case_id TEXT NOT NULL REFERENCES subject (case_id),
        randomization_date TEXT NOT NULL,  -- ISO 8601, shifted like the subject's scans
        PRIMARY KEY (audit_seq, case_id)""",
    "adjudication": """
        audit_seq INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES subject (case_id),
        chosen_reader TEXT NOT NULL,
        other_reader TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason <> ''),
        triggers TEXT NOT NULL,        -- canonical JSON: what disagreed, as shown
        chosen_read TEXT NOT NULL,     -- SHA-256 of the chosen read's signed rows
        other_read TEXT NOT NULL,      -- SHA-256 of the other read's signed rows
        signed_by TEXT NOT NULL,
        signed_at TEXT NOT NULL,       -- ISO 8601, UTC
        meaning TEXT NOT NULL""",
}

#: Added within schema 2 like :data:`ADJUDICATION_TABLES`: the series each reader chose to
#: read a timepoint on (another series of its study; one row per choice, the latest is in
#: force), and the series each measured axis lies on (:data:`AXIS_SERIES_COLUMNS`, added to
#: ``axis_measurement`` of older files: their rows read NULL, "the series the timepoint was
#: imported with"). Both belong to changes, like every reading table.
SERIES_TABLES: dict[str, str] = {
    "series_choice": """
        change_id INTEGER PRIMARY KEY REFERENCES change_log,
        case_id TEXT NOT NULL,
        reader TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        study_uid TEXT NOT NULL,
        series_uid TEXT NOT NULL,
        series_folder TEXT NOT NULL,
        slice_thickness_mm TEXT,       -- exact decimal
        FOREIGN KEY (case_id, timepoint) REFERENCES timepoint (case_id, label)""",
}
AXIS_SERIES_COLUMNS = ("series_uid TEXT", "slice_thickness_mm TEXT")

#: Schema 3: the accounts' security records, keyed like ``app_user`` by the audit record that
#: added them. ``account_event``: one row per password check that changes an account's state
#: (a failure, the first success after failures), lockout and unlock, with the consecutive
#: failures and the lock *after* it (its latest row of a name is the account's state);
#: ``account_setting``: the lockout threshold (canonical JSON values, the latest in force).
ACCOUNT_TABLES: dict[str, str] = {
    "account_event": """
        audit_seq INTEGER PRIMARY KEY, -- the audit record that added it
        name TEXT NOT NULL CHECK (name <> ''),
        event TEXT NOT NULL CHECK (event IN ('failed', 'succeeded', 'unlocked')),
        failures INTEGER NOT NULL CHECK (failures >= 0),  -- consecutive, after this event
        locked INTEGER NOT NULL CHECK (locked IN (0, 1))""",
    "account_setting": """
        audit_seq INTEGER NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,           -- canonical JSON
        PRIMARY KEY (audit_seq, name)""",
}
USER_COLUMNS = ("must_change INTEGER CHECK (must_change IN (0, 1))",)
ACCOUNT_INDEXES = ("CREATE INDEX account_event_name ON account_event (name, audit_seq)",)

#: Schema 4: the image files of each timepoint as stored (path relative to the project
#: folder, SHA-256, size). ``image_file`` rows belong to the change that registered the
#: timepoint; ``image_update`` rows replace a timepoint's whole set (the latest set in force).
IMAGE_TABLES: dict[str, str] = {
    "image_file": """
        change_id INTEGER NOT NULL REFERENCES change_log,
        path TEXT NOT NULL,            -- relative to the project folder, POSIX separators
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        PRIMARY KEY (change_id, path)""",
    "image_update": """
        audit_seq INTEGER NOT NULL,    -- the audit record that recorded this set
        case_id TEXT NOT NULL,
        timepoint TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        PRIMARY KEY (audit_seq, path),
        FOREIGN KEY (case_id, timepoint) REFERENCES timepoint (case_id, label)""",
}
IMAGE_INDEXES = ("CREATE INDEX image_update_key ON image_update (case_id, timepoint)",)

#: Schema 5: the columns added to the reading tables of older files (by ``ALTER TABLE``).
READING_COLUMNS: dict[str, tuple[str, ...]] = {
    "lesion_version": ("point_timepoint TEXT", "point_series_uid TEXT",
                       "point_sop_instance_uid TEXT", "point_slice_index INTEGER",
                       "point_row REAL", "point_col REAL"),
    "observation_version": ("retracted INTEGER CHECK (retracted IN (0, 1))",),
    "axis_measurement": ("provenance TEXT CHECK (provenance IN ('drawn', 'proposed', "
                         "'adjusted'))",),
}  # fmt: skip


def reading_statements(columns: dict[str, tuple[str, ...]]) -> list[str]:
    """DDL of schema 5 that a file lacks (:data:`READING_COLUMNS`), given the names of the
    columns of the tables that gain some."""
    return [f"ALTER TABLE {table} ADD COLUMN {column}"
            for table, added in READING_COLUMNS.items() for column in added
            if column.split()[0] not in columns[table]]  # fmt: skip


#: Schema 6: derived data, recomputable, outside the audited record (see the module's
#: docstring). The limits: a user name of PostgreSQL's 63 bytes at most (128 characters
#: here), DICOM UIDs of 64 characters, a SHA-256 in hex, the method's description, a
#: registration's JSON (about 400 characters: 2048 at most) and an ISO 8601 time.
DERIVED_TABLES: dict[str, str] = {
    "registration": """
        owner TEXT NOT NULL CHECK (length(owner) BETWEEN 1 AND 128),  -- the signed-in user
        earlier_series_uid TEXT NOT NULL CHECK (length(earlier_series_uid) BETWEEN 1 AND 64),
        follow_up_series_uid TEXT NOT NULL
            CHECK (length(follow_up_series_uid) BETWEEN 1 AND 64),
        inputs_sha256 TEXT NOT NULL CHECK (length(inputs_sha256) = 64),
        method TEXT NOT NULL CHECK (length(method) BETWEEN 1 AND 256),
        registration TEXT NOT NULL
            CHECK (length(registration) <= 2048 AND json_valid(registration)),
        created_at TEXT NOT NULL CHECK (length(created_at) BETWEEN 10 AND 40),  -- ISO 8601
        PRIMARY KEY (owner, earlier_series_uid, follow_up_series_uid)""",
}


def derived_statements(tables: set[str]) -> list[str]:
    """DDL of schema 6 that a file lacks (:data:`DERIVED_TABLES`), given its tables: plain
    tables, no append-only triggers (derived data is replaced)."""
    return [f"CREATE TABLE {name} ({body}\n)" for name, body in DERIVED_TABLES.items()
            if name not in tables]  # fmt: skip


#: Tables created within schema 2 on the first opening for writing (absent from older files).
ADDED_TABLES: dict[str, str] = {**ADJUDICATION_TABLES, **SERIES_TABLES}

#: Tables whose rows belong to one audit record by ``audit_seq`` (not to a change).
AUDIT_SEQ_TABLES = ("app_user", *ADJUDICATION_TABLES, *ACCOUNT_TABLES, "image_update")

INDEXES = (
    "CREATE INDEX lesion_key ON lesion_version (case_id, reader, lesion_id)",
    "CREATE INDEX observation_key ON observation_version (case_id, reader, timepoint, lesion_id)",
    "CREATE INDEX signature_key ON signature (case_id, reader, timepoint)",
)


REVIEW_INDEXES = (
    "CREATE INDEX reread_key ON reread (case_id, reader, timepoint)",
    "CREATE INDEX app_user_name ON app_user (name)",
)

SERIES_INDEXES = (
    "CREATE INDEX series_choice_key ON series_choice (case_id, reader, timepoint)",
)


def _tables(tables: dict[str, str], indexes: tuple[str, ...]) -> list[str]:
    statements = [f"CREATE TABLE {name} ({body}\n)" for name, body in tables.items()]
    statements.extend(indexes)
    for name in tables:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {name}_no_{event.lower()} BEFORE {event} ON {name} "
                f"BEGIN SELECT RAISE(ABORT, '{name} is append-only: add a new version, "
                "never change or delete a recorded row'); END"
            )
    return statements


def create_statements() -> list[str]:
    """DDL of schema version :data:`SCHEMA_VERSION`, append-only triggers included."""
    return _tables(TABLES, INDEXES) + _tables(REVIEW_TABLES, REVIEW_INDEXES) + (
        addition_statements(set(), tuple(c.split()[0] for c in AXIS_SERIES_COLUMNS))) + (
        _tables(ACCOUNT_TABLES, ACCOUNT_INDEXES)) + _tables(IMAGE_TABLES, IMAGE_INDEXES) + (
        derived_statements(set()))


def addition_statements(tables: set[str], axis_columns: tuple[str, ...]) -> list[str]:
    """DDL of the tables and columns added within schema 2 (:data:`ADDED_TABLES`,
    :data:`AXIS_SERIES_COLUMNS`) that a file lacks, given the tables it has and the names of
    ``axis_measurement``'s columns (run on every opening for writing)."""
    statements = [statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
                  .replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
                  .replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                  for group, indexes in ((ADJUDICATION_TABLES, ()),
                                         (SERIES_TABLES, SERIES_INDEXES))
                  if not set(group) <= tables
                  for statement in _tables(group, indexes)]  # fmt: skip
    statements.extend(f"ALTER TABLE axis_measurement ADD COLUMN {column}"
                      for column in AXIS_SERIES_COLUMNS
                      if column.split()[0] not in axis_columns)  # fmt: skip
    return statements


def account_statements(tables: set[str], user_columns: tuple[str, ...]) -> list[str]:
    """DDL of schema 3 that a file lacks (:data:`ACCOUNT_TABLES`, :data:`USER_COLUMNS`),
    given its tables and the names of ``app_user``'s columns: a schema 1 file upgraded
    through :data:`MIGRATIONS` gets ``app_user`` with ``must_change`` already."""
    statements = [] if set(ACCOUNT_TABLES) <= tables else [
        statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
        .replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
        .replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
        for statement in _tables(ACCOUNT_TABLES, ACCOUNT_INDEXES)]  # fmt: skip
    statements.extend(f"ALTER TABLE app_user ADD COLUMN {column}" for column in USER_COLUMNS
                      if column.split()[0] not in user_columns)  # fmt: skip
    return statements


def image_statements(tables: set[str]) -> list[str]:
    """DDL of schema 4 that a file lacks (:data:`IMAGE_TABLES`), given its tables."""
    if set(IMAGE_TABLES) <= tables:
        return []
    return [statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
            .replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
            .replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
            for statement in _tables(IMAGE_TABLES, IMAGE_INDEXES)]  # fmt: skip


#: Every table of the record (audited, append-only), in creation order; the derived
#: tables (:data:`DERIVED_TABLES`) are not part of it.
ALL_TABLES: tuple[str, ...] = (*TABLES, *REVIEW_TABLES, *ADDED_TABLES, *ACCOUNT_TABLES,
                               *IMAGE_TABLES)

#: ``MIGRATIONS[n]`` upgrades a file from schema version ``n`` to ``n + 1`` (the store then
#: chains the changes recorded before the audit trail existed: ``audit.chain_unaudited``).
#: Schema 2 to 3 depends on what the file holds: :func:`account_statements`, run by the
#: store on every opening for writing after these; so do 3 to 4 (:func:`image_statements`)
#: and 4 to 5 (:func:`reading_statements`), and 5 to 6 (:func:`derived_statements`).
MIGRATIONS: dict[int, tuple[str, ...]] = {1: tuple(_tables(REVIEW_TABLES, REVIEW_INDEXES)),
                                          2: (), 3: (), 4: (), 5: ()}  # fmt: skip


def upgrade_summary(tables: set[str], columns: dict[str, tuple[str, ...]]) -> str:
    """What opening a file adds to it, for the ``upgrade-schema`` audit record: the tables
    and columns it lacks (given its tables and the columns of the tables that gain some)."""
    wanted = {**ADJUDICATION_TABLES, **SERIES_TABLES, **ACCOUNT_TABLES, **IMAGE_TABLES,
              **DERIVED_TABLES}
    new_tables = [name for name in wanted if name not in tables]
    new_columns = [f"{table}.{column.split()[0]}"
                   for table, added in (("axis_measurement", AXIS_SERIES_COLUMNS),
                                        ("app_user", USER_COLUMNS), *READING_COLUMNS.items())
                   for column in added if column.split()[0] not in columns[table]]  # fmt: skip
    parts = [f"tables {', '.join(new_tables)}" if new_tables else "",
             f"columns {', '.join(new_columns)}" if new_columns else ""]
    return "added " + "; ".join(p for p in parts if p) if any(parts) else "nothing added"
