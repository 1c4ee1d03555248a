"""`lai-chau render --dask [ADDRESS]`: the jobs on dask.distributed, each worker with warm kernels.

With no address a LocalCluster is started on 127.0.0.1 (worker processes of one thread each, no
dashboard) and closed at the end; with one, the scheduler there is used (its workers must see
the project at the same paths, with the same environment: they read the notebooks and data).
A worker runs lai_chau.render.job.execute_job and sends back the page and the log as bytes; the
render's process writes them (atomically), so an interrupted run leaves no partial file and a
failure reads exactly as in a local render. Each worker process keeps its own warm kernels
(lai_chau.render.kernels' pool of that process): the WarmKernels plugin starts one as the worker
joins and stops them as it leaves. dask is an optional extra: `pip install -e '.[dask]'`.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

from lai_chau.base.errors import UsageError
from lai_chau.render.incremental import DASK_MISSING

try:
    from distributed import Client, LocalCluster, WorkerPlugin
except ImportError:  # the optional extra is not installed: executor() says how to install it
    Client = LocalCluster = None
    WorkerPlugin = object

CONNECT_TIMEOUT = 30  # seconds to reach a scheduler given by address
STOP_TIMEOUT = 30  # seconds for a leaving worker to stop its kernels


class WarmKernels(WorkerPlugin):  # type: ignore[misc, valid-type]
    """A worker plugin: a warm kernel started as the worker joins, its kernels stopped as it
    leaves (the process's pool, which execute_job uses on that worker)."""

    name = "lai-chau-warm-kernels"

    def __init__(self, kernel: str) -> None:
        self.kernel = kernel

    def setup(self, worker: Any) -> None:
        # in a thread: the imports (~1 s) would block the worker's event loop
        threading.Thread(target=_prestart, args=(self.kernel,), name="lai-chau-kernels-start",
                         daemon=True).start()

    def teardown(self, worker: Any) -> None:
        from lai_chau.render import kernels as engine

        # in a thread of its own: stopping kernels runs an event loop, and this method is
        # called on the worker's (running) one
        stopper = threading.Thread(target=engine.shutdown_all, name="lai-chau-kernels-stop")
        stopper.start()
        stopper.join(timeout=STOP_TIMEOUT)


def _prestart(kernel: str) -> None:
    """Import the render's job module and start this worker's first kernel (in the background:
    the first report waits for it)."""
    from lai_chau.render import kernels as engine
    from lai_chau.render.job import ReportKernelManager

    engine.pool(ReportKernelManager).prestart(kernel, 1)


def require() -> None:
    """UsageError saying how to install dask.distributed when it is not installed."""
    if Client is None:
        raise UsageError(DASK_MISSING)


@contextlib.contextmanager
def executor(address: str | None, workers: int, kernel: str) -> Iterator[cf.Executor]:
    """A concurrent.futures executor on dask.distributed: a new LocalCluster of `workers`
    processes on 127.0.0.1 (address None), or the scheduler at `address`; closed on exit."""
    require()
    with contextlib.ExitStack() as stack:
        if address:
            try:
                client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise UsageError(f"--dask {address}: cannot reach a dask scheduler there "
                                 f"({type(exc).__name__}: {exc}); expected the address of a "
                                 "running scheduler, e.g. tcp://127.0.0.1:8786, or no address "
                                 "to start a local cluster") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None,
                                   silence_logs=logging.ERROR)
            stack.callback(cluster.close)
            client = Client(cluster, set_as_default=False)
        stack.callback(client.close)
        client.register_plugin(WarmKernels(kernel))
        yield client.get_executor(pure=False)
