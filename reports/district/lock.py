"""One refresh of a store at a time (docs/district.md §5).

`store_lock(store)` holds an exclusive `flock` on `<store>/.lock` for the whole refresh: a second
`district check` / `report` on the same store while one runs stops at once with `StoreBusy` (a
Chinese message naming the process that holds the lock), or, with `wait=True` (`--wait`),
waits for it to finish.  The lock belongs to the open file: it is released when the refresh
ends, and by the system when its process dies (no stale lock file to delete by hand).  The file
stays; its text only says who holds it.  On a shared store (NFS, the Dask deployment) the
locks work when the file system supports them (NFSv4; NFSv3 with lockd).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from contextlib import contextmanager
from pathlib import Path

LOCK = ".lock"


class StoreBusy(Exception):
    """Another refresh holds the store; the message is for the user (Chinese)."""


@contextmanager
def store_lock(store: Path, wait: bool = False):
    path = Path(store) / LOCK
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "另一个进程"
            raise StoreBusy(f"汇总库 {store} 正在由另一个 xiaozhang district 更新（{holder}）："
                            "请等它完成后再运行，或加 --wait 排队等待。") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}，计算机 {socket.gethostname()}，"
                     f"开始于 {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock
