"""The per-school work on a Dask distributed cluster (docs/district.md §5): the same task
(`store.refresh_school`) through the cluster's `concurrent.futures` executor
(`distributed.Client.get_executor()`), so the results are those of the local run.

Every worker must import `xiaozhang` (the same version) and see the district folder and the
store at the same paths as the command (a shared file system, e.g. NFS): the task reads the
school's ledger and writes its Parquet files there; only the small manifest record travels
back.  Dask is optional: `pip install "dask[distributed]"`.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def dask_executor(scheduler):
    """A `concurrent.futures` executor on the Dask cluster `scheduler` (an address such as
    `tcp://10.0.0.5:8786`, or a `LocalCluster`)."""
    try:
        from distributed import Client
    except ImportError as error:  # Chinese, with what to do
        raise RuntimeError('没有安装 Dask：请运行 pip install "dask[distributed]"（见 docs/district.md 第 5 节）') from error
    client = Client(scheduler)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
