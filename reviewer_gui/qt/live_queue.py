"""The adjudicator's queue, kept current while the window is open (issue 11, item 3).

On a PostgreSQL project the server notifies (LISTEN/NOTIFY, ``PostgresStore.listen_for_reads``)
when a signature or a re-read is committed. :class:`ReadsWatcher` listens on a connection of
its own (signed in as the same user: it only listens) and watches its socket with a
``QSocketNotifier`` in the window's event loop (no thread): when a notification arrives, the
window's ``refresh`` re-reads the queue. A lost connection is restored by the store (signed in
again as the same user, listening again: the queue is refreshed, since reads may have
completed meanwhile) and the watching goes on on the new socket; a server that does not come
back stops the watching and says so once (the queue is then as of the last refresh;
reopening the window watches again).
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6 import sip
from PyQt6.QtCore import QObject, QSocketNotifier

from reviewer_gui.store import StoreError
from reviewer_gui.store.postgres import PostgresStore


class ReadsWatcher(QObject):
    """Calls ``refresh()`` whenever a read is signed or reopened on the server; ``say(text)``
    once if the connection is lost. Close it (:meth:`close`) with the window."""

    def __init__(self, listener: PostgresStore, refresh: Callable[[], None],
                 say: Callable[[str], None], parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.listener, self.refresh, self.say = listener, refresh, say
        listener.listen_for_reads()
        self.notifier = self._watch(listener.socket())

    def _watch(self, socket: int) -> QSocketNotifier:
        self.watched = self.listener.reconnections
        notifier = QSocketNotifier(QSocketNotifier.Type.Read, self)
        notifier.setSocket(sip.voidptr(socket))
        notifier.setEnabled(True)
        notifier.activated.connect(self._readable)
        return notifier

    def _readable(self) -> None:
        told = False
        try:
            while self.listener.wait_for_reads(0):
                told = True
        except StoreError as error:
            self.notifier.setEnabled(False)
            self.say(f"the queue no longer updates by itself: {error}")
            return
        if self.listener.reconnections != self.watched:  # reconnected: a new socket
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = self._watch(self.listener.socket())
        if told:
            self.refresh()

    def close(self) -> None:
        self.notifier.setEnabled(False)
        self.listener.close()
