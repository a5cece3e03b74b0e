"""Every keyboard shortcut of the reviewer app, in one table (the help panel lists it).

The main window makes one action per :data:`SHORTCUTS` entry, by name; the image view's own
keys (:data:`reviewer_gui.viewer.KEYS`) work when an image has the focus, and the ones that
matter from anywhere (tools, window presets) are repeated here.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_gui.reading import State
from reviewer_gui.viewer import PRESETS


@dataclass(frozen=True)
class Shortcut:
    keys: str  # a QKeySequence string
    name: str  # the main window's action
    text: str
    group: str


_GROUPS = ("Reading", "Tools", "Lesions", "States", "Window")

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("Ctrl+Down", "next_subject", "next subject", "Reading"),
    Shortcut("Ctrl+Up", "previous_subject", "previous subject", "Reading"),
    Shortcut("Ctrl+Right", "next_timepoint", "next timepoint", "Reading"),
    Shortcut("Ctrl+Left", "previous_timepoint", "previous timepoint", "Reading"),
    Shortcut("Ctrl+B", "toggle_baseline", "prior view: baseline / previous timepoint", "Reading"),
    Shortcut("Ctrl+Return", "sign", "sign the current timepoint (locks it)", "Reading"),
    Shortcut("Ctrl+R", "reread", "re-read a signed timepoint (asks the reason; reopens it)",
             "Reading"),
    Shortcut("Ctrl+Shift+Down", "next_series",
             "read this timepoint on the next series of its study (or Enter on a series in "
             "the tree)", "Reading"),
    Shortcut("Ctrl+Shift+Up", "previous_series",
             "read this timepoint on the previous series of its study", "Reading"),
    Shortcut("Ctrl+E", "export", "export the measurements CSV of this read (signed "
             "timepoints, as recist-review export)", "Reading"),
    Shortcut("Ctrl+O", "open_project", "open or create a reading project file", "Reading"),
    Shortcut("Ctrl+D", "import_folder", "add a folder of DICOM studies to the project",
             "Reading"),
    Shortcut("F1", "help", "show / hide this help", "Reading"),
    Shortcut("C", "caliper", "caliper: long axis (drag across the lesion)", "Tools"),
    Shortcut("B", "bidirectional",
             "bidirectional: long axis, then the perpendicular short axis", "Tools"),
    Shortcut("O", "propose", "one click: then click inside the lesion; its axes are "
             "proposed (Enter accepts, drag an end to adjust, Esc discards)", "Tools"),
    Shortcut("L", "point", "location point: then click the lesion (a non-target at "
             "baseline, a new lesion) to mark where it is", "Tools"),
    Shortcut("Esc", "cancel", "cancel the drawing in progress (or discard a proposal)",
             "Tools"),
    Shortcut("]", "next_lesion", "next lesion (both images jump to it)", "Lesions"),
    Shortcut("[", "previous_lesion", "previous lesion", "Lesions"),
    Shortcut("T", "add_target", "add a target lesion (then pick the organ, Enter)", "Lesions"),
    Shortcut("Shift+T", "add_non_target", "add a non-target lesion", "Lesions"),
    Shortcut("N", "add_new", "add a new lesion (follow-ups only)", "Lesions"),
    Shortcut("Del", "clear", "clear the lesion's measurement here", "Lesions"),
    Shortcut("Shift+S", "split",
             "split target: measure the next fragment (a, b, c...); again: whole", "Lesions"),
    Shortcut("Ctrl+Z", "undo", "undo the last entry on this read (kept in the record)",
             "Lesions"),
    Shortcut("Ctrl+Shift+Z", "redo", "redo the entry undone", "Lesions"),
    Shortcut("A", "absent", "absent (disappeared)", "States"),
    Shortcut("S", "too_small", "too small to measure (counts 5 mm)", "States"),
    Shortcut("E", "not_evaluated", "not evaluated (not assessable)", "States"),
    Shortcut("M", "merged", "merged into another target (counts 0)", "States"),
    Shortcut("P", "progression", "unequivocal progression (non-target; type the reason, Enter)",
             "States"),
    Shortcut("Q", "equivocal", "equivocal (new lesion)", "States"),
    Shortcut("Ctrl+P", "present", "present (non-target / new lesion seen, not measured)",
             "States"),
    *(Shortcut(k, f"window_{k}", f"{wl.name} window (W {wl.width:.0f} / L {wl.level:.0f})",
               "Window") for k, wl in PRESETS.items()),
)

#: In the image (when it has the focus) and with the mouse.
IMAGE_KEYS: tuple[tuple[str, str], ...] = (
    ("Up / Down, wheel", "previous / next slice (prior and current scroll together)"),
    ("PgUp / PgDown", "10 slices"),
    ("Home / End", "top / bottom slice"),
    ("+ / -, Ctrl+wheel", "zoom toward the pointer (prior and current together)"),
    ("F", "fit the image"),
    ("left-drag", "measure with the tool; drag an end point to adjust it"),
    ("Enter", "accept the proposed measurement (O, then a click in the lesion)"),
    ("right-drag", "window / level"),
    ("middle-drag, Shift+left-drag", "pan (prior and current together)"),
)


#: The state each state shortcut sets.
STATE_KEYS: dict[str, State] = {
    "absent": State.ABSENT, "too_small": State.TOO_SMALL, "not_evaluated": State.NOT_EVALUATED,
    "merged": State.MERGED, "progression": State.PROGRESSION, "equivocal": State.EQUIVOCAL,
    "present": State.PRESENT,
}  # fmt: skip

#: What changes a read: not offered to whoever only views reads (adjudicator, administrator).
EDITING = frozenset({
    "sign", "reread", "add_target", "add_non_target", "add_new", "clear", "split", "absent",
    "too_small", "not_evaluated", "merged", "progression", "equivocal", "present", "undo",
    "redo", "propose", "point",
})  # fmt: skip


def not_offered(*, signed_in: bool, read_only: bool) -> frozenset[str]:
    """The shortcuts a user is not shown (no action, no menu entry, no help line): in a
    project with users, studies are added by the study administrator with
    ``recist-review import`` (de-identified), never from the window; reads only viewed are
    not edited."""
    hidden = {"import_folder"} if signed_in else set()
    return frozenset(hidden | (EDITING if read_only else set()))


def grouped(hidden: frozenset[str] = frozenset()) -> list[tuple[str, list[Shortcut]]]:
    """The shortcuts by group, in the help panel's order (without the ``hidden`` ones)."""
    return [(g, [s for s in SHORTCUTS if s.group == g and s.name not in hidden])
            for g in _GROUPS]  # fmt: skip
