"""The reading's subjects, timepoints and series as a tree (pseudonymous case ids only).

Subject -> timepoint (label, scan date, signed or not) -> series of the study (description,
image count; the one this reader reads the timepoint on marked "read", in bold green). Series
are listed from the import's folder scan, or looked up (headers only) when a timepoint is
first expanded; the open subject's timepoints are expanded, so its series show. Activating a
series (Enter, double-click) reads the timepoint on it: a change of the read, saved and
audited (``ReadingProject.choose_series``), refused once the timepoint is signed.

Signed in as a reader, the tree is the reader's worklist: case ids in the session's
randomised order, timepoint labels with their day from baseline (never a date), and which
timepoint is next to read (the later ones wait for it: reading is sequential).
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QBrush, QColor, QFont
from PyQt6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from reviewer_gui.reading import Change, ReadKey

from .session import ReadingSession
from .studies import FolderScan

ROLE = Qt.ItemDataRole.UserRole


class StudyTree(QTreeWidget):
    """Activate (double-click, Enter) a subject or timepoint to read it, a series to read the
    timepoint on it."""

    def __init__(self, session: ReadingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.series = session.study_series  # by Study Instance UID, shared with the session
        self.setHeaderLabels(["Subject / timepoint / series", "Status"])
        self.setColumnWidth(0, 190)
        self.setMinimumWidth(345)  # the status column (signed, to read, which series) shows
        self._later = QTimer(self)  # rebuilt after the event that asked (never inside a slot
        self._later.setSingleShot(True)  # of an item that the rebuild deletes), once
        self._later.timeout.connect(self.rebuild)
        self.itemActivated.connect(self._activated)
        self.itemExpanded.connect(self._expanded)
        session.project.events.changed.connect(self._changed)
        session.place_changed.connect(self._later.start)
        self.rebuild()

    def remember(self, scan: FolderScan) -> None:
        """Keep the series a folder scan found, to list them without reading again."""
        for study in scan.studies:
            self.series[study.chosen.study_uid] = study.series

    def _changed(self, change: Change) -> None:
        key = getattr(change, "key", None)
        if key is None or key == self.session.key:
            self._later.start()

    def rebuild(self) -> None:
        project, reader = self.session.project, self.session.reader
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for case_id in project.case_ids:
            key = ReadKey(case_id, reader)
            timepoints = project.timepoints(case_id)
            signed = sum(project.is_signed(key, tp.label) for tp in timepoints)
            subject = QTreeWidgetItem([case_id, f"{signed}/{len(timepoints)} signed"])
            subject.setData(0, ROLE, (case_id, None))
            self.addTopLevelItem(subject)
            read = project.read(key)
            todo = next((tp.label for tp in timepoints if tp.label not in read.signatures), None)
            for tp in timepoints:
                signature = read.signatures.get(tp.label)
                status = "signed" if signature is not None else ""
                if self.session.sequential and signature is None:
                    status = "to read" if tp.label == todo else "later"
                item = QTreeWidgetItem([f"{tp.label}   {self.session.when(tp, case_id)}",
                                        status])
                if signature is not None:
                    item.setToolTip(1, f"signed by {signature.signed_by} on "
                                    f"{signature.signed_at:%Y-%m-%d %H:%M} UTC: "
                                    f"{signature.meaning}")  # fmt: skip
                elif status == "later":
                    item.setForeground(0, QBrush(QColor(140, 140, 140)))
                    item.setForeground(1, QBrush(QColor(140, 140, 140)))
                    item.setToolTip(0, f"read in date order: opens once {todo} is signed")
                    item.setToolTip(1, f"read in date order: opens once {todo} is signed")
                item.setData(0, ROLE, (case_id, tp.label))
                item.setChildIndicatorPolicy(
                    QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
                subject.addChild(item)
                if case_id == self.session.case_id and tp.label == self.session.timepoint:
                    item.setFont(0, bold)
                    self.setCurrentItem(item)
            if case_id == self.session.case_id:
                subject.setFont(0, bold)
                subject.setExpanded(True)
                for k in range(subject.childCount()):  # its series show, "read on" marked
                    child = subject.child(k)
                    if child is not None:
                        child.setExpanded(True)
        self.resizeColumnToContents(0)  # the status column (to read, after FU1) shows whole

    def _expanded(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, ROLE)
        parent = item.parent()
        if item.childCount() or not isinstance(data, tuple) or data[1] is None or (
                parent is not None and parent.parent() is not None):  # a series: no children
            return
        case_id, label = data
        timepoint = next((tp for tp in self.session.project.timepoints(case_id)
                          if tp.label == label), None)  # fmt: skip
        if timepoint is None:
            return
        read_on = self.session.read_on(case_id, timepoint)
        bold = QFont(self.font())
        bold.setBold(True)
        for info in self.session.series_list(timepoint):
            is_read_on = read_on is not None and info.series_uid == read_on.series_uid
            child = QTreeWidgetItem([f"{info.series_description or info.modality}",
                                     f"{info.n_images} images"
                                     + (", read" if is_read_on else "")])  # fmt: skip
            child.setData(0, ROLE, (case_id, label, info.series_uid))
            child.setToolTip(0, f"{info.series_uid}\nEnter or double-click: read {label} on "
                             "this series (Ctrl+Shift+Down / Up: next / previous series)")
            if is_read_on:
                for column in (0, 1):
                    child.setFont(column, bold)
                    child.setForeground(column, QBrush(QColor(0, 110, 0)))
                item.setToolTip(0, f"{label} is read on {info.series_description}")
            item.addChild(child)

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        data = item.data(0, ROLE)
        if isinstance(data, tuple) and len(data) == 3:
            self.session.choose_series(*data)
        elif isinstance(data, tuple):
            self.session.go(data[0], data[1])
