"""Files that are on disk before anything points at them.

Whoosh commits by renaming a new table of contents into place, but never
calls fsync: after a power loss the table of contents could name segments
whose data never reached the disk. :class:`DurableFileStorage` flushes every
file it writes to disk when the file is closed and syncs the folder after a
rename, so segments are durable before the table of contents that names
them, and the table of contents before the commit returns.
"""

from __future__ import annotations

import os
import weakref

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


def fsync_dir(folder) -> None:
    """Make the names in ``folder`` (creations, renames, deletions) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _SyncOnClose:
    """A file object that reaches the disk when it is closed (``sync=False``: scratch files)."""

    def __init__(self, fileobj, sync: bool = True):
        self._f = fileobj
        self._sync = sync

    def __getattr__(self, name):
        return getattr(self._f, name)

    def close(self):
        try:
            if not self._f.closed and self._sync:
                self._f.flush()
                os.fsync(self._f.fileno())
        finally:
            self._f.close()  # even when the disk is full: never leak the descriptor


class DurableFileStorage(FileStorage):
    """Whoosh's file storage with every written file and every rename synced to disk.

    It keeps track of the files it opened for writing, so that a writer that
    failed half-way (a full disk) can have all of them closed: :meth:`abandon`.
    """

    sync = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._written: weakref.WeakSet = weakref.WeakSet()
        self._scratch: list[DurableFileStorage] = []

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        f = super().create_file(name, excl=excl, mode=mode, **kwargs)
        wrapped = _SyncOnClose(f.file, sync=self.sync)
        self._written.add(wrapped)
        return StructFile(wrapped, name=name, **kwargs)

    def rename_file(self, oldname, newname, safe=False):
        super().rename_file(oldname, newname, safe=safe)
        if self.sync:
            fsync_dir(self.folder)

    def temp_storage(self, name=None):
        temp = super().temp_storage(name)
        scratch = _ScratchStorage(temp.folder)  # scratch files need no sync
        self._scratch.append(scratch)
        return scratch

    def abandon(self) -> None:
        """Close every file this storage (and its scratch storages) opened and still holds, without syncing."""
        for storage in [self, *self._scratch]:
            for f in list(storage._written):
                f._sync = False
                try:
                    f.close()
                except OSError:
                    pass


class _ScratchStorage(DurableFileStorage):
    sync = False
