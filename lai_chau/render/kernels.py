"""Warm kernels for `lai-chau render`: a papermill engine that reuses a prepared kernel per worker.

Most of a report's time is not the report: it is starting a kernel and importing pandas and
altair. This module keeps kernels alive between reports, each already past those imports, and
still executes every notebook through papermill's Python API (`papermill.execute_notebook(...,
engine_name="lai-chau-warm")`): papermill parameterizes, records and raises exactly as with its
default engine; only where the kernel comes from changes.

Isolation: before each notebook the kernel is put back to the state a new kernel would be in,
as far as a report can see it:

- IPython's user namespace, output cache and history are reset (`InteractiveShell.reset`,
  execution count back to 1);
- every `lai_chau` module is dropped from `sys.modules`, so the notebook's imports run the
  package afresh: the chart id counter restarts, data caches are empty, the theme and renderer
  are registered again, `paths` reads the environment again;
- `os.environ`, `sys.path`, `warnings.filters` and `sys.argv` are restored to what they were
  when the kernel had started, pandas options are set back, altair's renderer, theme and data
  transformer go back to their defaults, the random generators are reseeded;
- the working directory is the job's own empty directory.

What stays is what makes it fast: third-party modules already imported (pandas, altair, nbformat
and their caches). A kernel is reused only after a notebook that ran without an error (after a
failure, a timeout or a dead kernel it is shut down and the next report gets a new one), and for
at most MAX_REPORTS reports. Kernels are keyed by name and environment: a change of
LAI_CHAU_DATA starts new ones. tests/test_perf_render.py shows two reports rendered one after the
other in one warm kernel give the same bytes as each rendered in a new kernel. The engine runs
Python code in the kernel, so it needs an IPython kernel (`render(warm=False)` does not).

Pools: `lai-chau render` with its own thread pool makes a KernelPool, starts one kernel per
worker while it checks the parameters, and stops them at the end. Jobs run by another executor
use their process's pool (`pool(manager_class)`): each worker process of a process-pool or
distributed executor keeps its own warm kernels, stopped when that process exits.

Why one module of ~580 lines: the pool, the code the kernel runs (warm-up, reset, state check)
and the papermill engines that use them are one mechanism; most of the length is that code.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import os
import shutil
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from lai_chau.base import atomic

ENGINE = "lai-chau-warm"
START_TIMEOUT = 60  # seconds for a kernel to start and answer
MAX_REPORTS = 50  # then a kernel is replaced: what a long-lived kernel accumulates stays bounded
# Imported by every kernel once, before its first report: what report notebooks import anyway.
WARM_IMPORTS = ("lai_chau.present.charts", "lai_chau.present.report", "lai_chau.present.pages")
# `lai_chau` modules kept across reports: stateless helpers whose re-import gains nothing.
KEEP_MODULES = ("lai_chau.base.deferred",)
# Module attributes the kernel itself rebinds on every execution (IPython's hooks and streams,
# the last exception, the output cache `_`): never a report's doing.
VOLATILE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "sys": ("excepthook", "displayhook", "stdout", "stderr", "stdin", "last_type", "last_value",
            "last_traceback", "last_exc", "ps1", "ps2", "ps3"),
    "builtins": ("_", "__", "___", "input"),
    "time": ("tzname",),  # set again by time.tzset() in PREPARE_CODE
    "getpass": ("getpass",),  # ipykernel routes it to the frontend for each execution
}

# Runs once in a new kernel (silently): the slow imports, then a snapshot of the state that
# PREPARE restores before every report.
WARM_CODE = """
def __lai_chau_warm():
    import os, sys, types, warnings
    import lai_chau.base.deferred
    lai_chau.base.deferred.defer_iri_grammar()
    for name in {imports!r}:
        __import__(name)
    state = types.ModuleType("_lai_chau_warm_state")
    state.environ = dict(os.environ)
    state.path = list(sys.path)
    state.argv = list(sys.argv)
    state.filters = list(warnings.filters)
    state.pandas = {{}}
    try:  # pandas has no public list of its options
        import pandas
        from pandas._config import config
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key in config._registered_options:
                if key not in config._deprecated_options:
                    state.pandas[key] = pandas.get_option(key)
    except (ImportError, AttributeError):
        state.pandas = {{}}
    # Process-wide settings a notebook can change, restored before every report.
    import decimal, locale
    state.decimal = decimal.getcontext().copy()
    state.locale = locale.setlocale(locale.LC_ALL)
    state.recursion = sys.getrecursionlimit()
    state.switch = sys.getswitchinterval()
    state.streams = (sys.stdout, sys.stderr, sys.displayhook, sys.excepthook)
    state.umask = os.umask(0o022)
    os.umask(state.umask)
    import socket
    state.timeout = socket.getdefaulttimeout()
    if "numpy" in sys.modules:
        numpy = sys.modules["numpy"]
        state.numpy = (numpy.geterr(), numpy.get_printoptions())
    else:
        state.numpy = None
    # What every loaded module holds, by identity: a report that rebinds or deletes a module's
    # attribute (a monkeypatch), or replaces a module, has changed what the next report would
    # see, and its kernel is not reused (CHECK_CODE). Attributes a module adds are allowed (a
    # submodule import binds one on its package), as is a lazy first value of a None attribute.
    state.modules = {{
        name: (id(module), {{key: id(value) for key, value in vars(module).items()}})
        for name, module in list(sys.modules.items())
        if module is not None and hasattr(module, "__dict__")
        and not (name == "lai_chau" or name.startswith("lai_chau."))
        and name not in ("__main__", "_lai_chau_warm_state")  # the user namespace: reset anyway
    }}
    state.nones = {{name: {{k for k, v in vars(sys.modules[name]).items() if v is None}}
                   for name in state.modules}}
    sys.modules["_lai_chau_warm_state"] = state
__lai_chau_warm()
del __lai_chau_warm
"""

# Runs after a report that succeeded: what it changed that a reset cannot undo. Prints nothing
# when the kernel can be reused, else one line saying why not.
CHECK_CODE = """
def __lai_chau_check():
    import sys
    state = sys.modules["_lai_chau_warm_state"]
    missing = object()
    for name, (module_id, attributes) in state.modules.items():
        module = sys.modules.get(name)
        if module is None or id(module) != module_id:
            return f"module {{name}} was removed or replaced"
        current = vars(module)
        for key, value_id in attributes.items():
            value = current.get(key, missing)
            if value is missing:
                return f"{{name}}.{{key}} was deleted"
            if id(value) != value_id and key not in state.nones[name] and \
                    key not in {volatile!r}.get(name, ()):
                return f"{{name}}.{{key}} was rebound"
    # Modules this report imported first are watched from now on (what it did to them before
    # this point is not seen: WARM_IMPORTS loads what the project's notebooks import).
    for name, module in list(sys.modules.items()):
        if name not in state.modules and module is not None and hasattr(module, "__dict__") \
                and not (name == "lai_chau" or name.startswith("lai_chau.")) \
                and name not in ("__main__", "_lai_chau_warm_state"):
            state.modules[name] = (id(module), {{k: id(v) for k, v in vars(module).items()}})
            state.nones[name] = {{k for k, v in vars(module).items() if v is None}}
    return ""
print(__lai_chau_check(), end="")
del __lai_chau_check
"""

# Runs before every report (silently): back to a new kernel's state, then into the job's directory.
PREPARE_CODE = """
def __lai_chau_prepare(workdir, keep):
    import os, random, sys, warnings
    os.chdir(workdir)  # first: the previous report's directory is gone
    state = sys.modules["_lai_chau_warm_state"]
    get_ipython().reset(new_session=True)
    for name in [n for n in sys.modules if n == "lai_chau" or n.startswith("lai_chau.")]:
        if name not in keep:
            del sys.modules[name]
    os.environ.clear()
    os.environ.update(state.environ)
    sys.path[:] = state.path
    sys.argv[:] = state.argv
    warnings.filters[:] = state.filters
    getattr(warnings, "_filters_mutated", lambda: None)()  # forget cached "already warned"
    if state.pandas:
        import pandas
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in state.pandas.items():
                if pandas.get_option(key) != value:
                    pandas.set_option(key, value)
    if "altair" in sys.modules:
        import altair
        altair.renderers.enable("default")
        altair.theme.enable("default")
        altair.data_transformers.enable("default")
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    import decimal, locale, socket, time
    decimal.setcontext(state.decimal.copy())
    locale.setlocale(locale.LC_ALL, state.locale)
    time.tzset()  # TZ is back to what it was in os.environ
    sys.setrecursionlimit(state.recursion)
    sys.setswitchinterval(state.switch)
    sys.stdout, sys.stderr, sys.displayhook, sys.excepthook = state.streams
    os.umask(state.umask)
    socket.setdefaulttimeout(state.timeout)
    if state.numpy is not None:
        numpy = sys.modules["numpy"]
        numpy.seterr(**state.numpy[0])
        numpy.set_printoptions(**state.numpy[1])
__lai_chau_prepare({workdir!r}, {keep!r})
"""


class KernelError(RuntimeError):
    """A warm kernel could not be started or prepared."""


def _silence(_msg: dict[str, Any]) -> None:
    """Output hook: the warm-up and preparation code print nothing worth showing."""


async def _run_capture(kc: Any, code: str, what: str) -> str:
    """Run code in the kernel (no history) and return what it printed to stdout."""
    out: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg.get("msg_type") == "stream" and msg["content"].get("name") == "stdout":
            out.append(msg["content"].get("text", ""))

    await _execute(kc, code, what, silent=False, hook=hook)
    return "".join(out)


async def _run_silently(kc: Any, code: str, what: str) -> None:
    await _execute(kc, code, what, silent=True, hook=_silence)


async def _execute(kc: Any, code: str, what: str, silent: bool,
                   hook: Callable[[dict[str, Any]], None]) -> None:
    reply = await kc.execute_interactive(code, silent=silent, store_history=False,
                                         allow_stdin=False, timeout=START_TIMEOUT,
                                         output_hook=hook)
    content = reply.get("content", {})
    if content.get("status") != "ok":
        raise KernelError(f"{what} failed in the kernel: {content.get('ename', '?')}: "
                          f"{content.get('evalue', '')}")


@dataclass(eq=False)
class WarmKernel:
    """A running kernel that has done the slow imports, with its private directory."""

    km: AsyncKernelManager
    home: str
    key: tuple[str, str]
    reports: int = 0
    alive: bool = True
    retired_because: str = ""  # why it was not reused after its last report (CHECK_CODE)
    # One client per thread that used the kernel: a client's sockets belong to the event loop of
    # its thread, and a new client costs ~0.2 s (jupyter_client waits for IOPub to connect).
    clients: dict[int, Any] = field(default_factory=dict)

    def client(self) -> Any:
        """This thread's connected client of the kernel (made on first use)."""
        thread = threading.get_ident()
        if thread not in self.clients:
            kc = self.km.client()
            kc.allow_stdin = False
            kc.start_channels()
            self.clients[thread] = kc
            run_sync(kc.wait_for_ready)(timeout=START_TIMEOUT)
        return self.clients[thread]

    def shutdown(self) -> None:
        """Stop the kernel now and remove its directory (idempotent)."""
        _shutdown([self])


def _shutdown(kernels: list[WarmKernel], close_clients: bool = True) -> None:
    """Stop kernels at once (killed together, then reaped) and remove their directories.

    `close_clients=False` when threads may still be using them (an interrupted render): their
    sockets go with the process."""
    kernels = [k for k in kernels if k.alive]
    for kernel in kernels:
        kernel.alive = False

    async def stop(kernel: WarmKernel) -> None:
        try:
            await kernel.km.shutdown_kernel(now=True)
        except Exception:  # already dead, killed by an interrupt...: nothing left to stop
            pass
        if close_clients:
            for kc in kernel.clients.values():
                try:
                    kc.stop_channels()
                except Exception:  # a socket already closed with its kernel
                    pass
        kernel.clients.clear()

    async def stop_all() -> None:
        await asyncio.gather(*(stop(k) for k in kernels))

    if not kernels:
        return
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(stop_all())
    finally:
        loop.close()
        for kernel in kernels:
            shutil.rmtree(kernel.home, ignore_errors=True)


def _alive(km: AsyncKernelManager) -> bool:
    """Whether the kernel process still runs (no await: a plain poll of the process)."""
    process = getattr(km.provisioner, "process", None)
    return km.has_kernel and process is not None and process.poll() is None


def _environment_key() -> str:
    """What a new kernel would inherit, as a short digest: kernels are reused only within it."""
    items = sorted(os.environ.items())
    return hashlib.sha256(repr(items).encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(eq=False)
class KernelPool:
    """Warm kernels of one kernel-manager class, shared by the threads of one process."""

    manager_class: type[AsyncKernelManager]
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _idle: list[WarmKernel] = field(default_factory=list)
    _starting: dict[tuple[str, str], int] = field(default_factory=dict)
    _waiting: dict[tuple[str, str], int] = field(default_factory=dict)
    _running: set[WarmKernel] = field(default_factory=set)
    pid: int = 0  # the process that made it (set on creation)

    def __post_init__(self) -> None:
        _register(self)

    def key(self, kernel_name: str) -> tuple[str, str]:
        return (kernel_name, _environment_key())

    def _start(self, key: tuple[str, str]) -> WarmKernel:
        """Start and warm a kernel in the calling thread (its own event loop)."""
        home = atomic.temp_dir("kernel")
        km = self.manager_class(kernel_name=key[0])
        kernel = WarmKernel(km, home, key)
        with self._cond:
            self._running.add(kernel)

        async def start() -> None:
            await km.start_kernel(cwd=home,
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
            kc = km.client()
            kc.allow_stdin = False
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=START_TIMEOUT)
                await _run_silently(kc, WARM_CODE.format(imports=WARM_IMPORTS), "warm-up")
            finally:
                kc.stop_channels()

        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(start())
        except BaseException:
            loop.close()
            with self._cond:
                self._running.discard(kernel)
            kernel.shutdown()
            raise
        loop.close()
        return kernel

    def _start_idle(self, key: tuple[str, str]) -> None:
        try:
            kernel: WarmKernel | None = self._start(key)
        except Exception:
            kernel = None  # whoever waits starts its own and sees the error
        with self._cond:
            self._starting[key] -= 1
            if kernel is not None:
                self._idle.append(kernel)
            self._cond.notify_all()

    def prestart(self, kernel_name: str, count: int) -> None:
        """Start `count` kernels in the background, ready before the first reports need them."""
        key = self.key(kernel_name)
        with self._cond:
            ready = sum(1 for k in self._idle if k.key == key) + self._starting.get(key, 0)
            missing = max(0, count - ready)
            self._starting[key] = self._starting.get(key, 0) + missing
        for _ in range(missing):
            threading.Thread(target=self._start_idle, args=(key,), daemon=True,
                             name="lai-chau-kernel-start").start()

    def acquire(self, kernel_name: str) -> WarmKernel:
        """A warm kernel for one report: an idle one, one being started, or a new one."""
        key = self.key(kernel_name)
        with self._cond:
            while True:
                # Best a kernel this thread already has a client of, then one without clients.
                thread = threading.get_ident()
                self._idle.sort(key=lambda k: (thread not in k.clients, bool(k.clients)))
                for kernel in self._idle:
                    if kernel.key == key:
                        self._idle.remove(kernel)
                        if kernel.alive and _alive(kernel.km):
                            return kernel
                        self._running.discard(kernel)
                        kernel.shutdown()
                        break
                else:
                    if self._starting.get(key, 0) > self._waiting.get(key, 0):
                        self._waiting[key] = self._waiting.get(key, 0) + 1
                        self._cond.wait()
                        self._waiting[key] -= 1
                        continue
                    break
        return self._start(key)

    def release(self, kernel: WarmKernel, reusable: bool) -> None:
        """Give a kernel back after a report; it is kept only if the report ran cleanly."""
        kernel.reports += 1
        if reusable and kernel.alive and kernel.reports < MAX_REPORTS:
            with self._cond:
                self._idle.append(kernel)
                self._cond.notify_all()
            return
        with self._cond:
            self._running.discard(kernel)
        kernel.shutdown()

    def shutdown(self, close_clients: bool = True) -> None:
        """Stop every kernel of this pool (idle or not); the pool stays usable. Kernels still
        starting are waited for first: one stopped mid-start would outlive its home directory
        and print a traceback when it finds its working directory gone."""
        with self._cond:
            self._cond.wait_for(lambda: not any(self._starting.values()),
                                timeout=START_TIMEOUT)
            kernels = list(self._running)
            self._running.clear()
            self._idle.clear()
        _shutdown(kernels, close_clients)


# Every pool of this process (weakly), and the default pool per process and class: a forked
# worker inherits its parent's pools but not its kernels.
_live: weakref.WeakSet[KernelPool] = weakref.WeakSet()
_pools: dict[tuple[int, type], KernelPool] = {}
_pools_lock = threading.Lock()
_exit_hooks: set[int] = set()


def _register(item: KernelPool) -> None:
    item.pid = os.getpid()
    with _pools_lock:
        _live.add(item)
        if item.pid in _exit_hooks:
            return
        _exit_hooks.add(item.pid)
    atexit.register(shutdown_all)
    # worker processes of a multiprocessing pool exit without running atexit handlers, and a
    # forked one drops the finalizers it inherits: register in this process
    from multiprocessing import util

    util.Finalize(None, shutdown_all, exitpriority=10)


def pool(manager_class: type[AsyncKernelManager] = AsyncKernelManager) -> KernelPool:
    """This process's pool of warm kernels of `manager_class`."""
    pid = os.getpid()
    with _pools_lock:
        existing = _pools.get((pid, manager_class))
    if existing is None:
        existing = KernelPool(manager_class)
        with _pools_lock:
            existing = _pools.setdefault((pid, manager_class), existing)
    return existing


def shutdown_all() -> None:
    """Stop every warm kernel of this process."""
    pid = os.getpid()
    with _pools_lock:
        pools = [item for item in _live if item.pid == pid]
    for item in pools:
        item.shutdown()


def _failed(nb: Any) -> bool:
    for cell in nb.cells:
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return True
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return True
    return False


class WarmEngine(NBClientEngine):
    """papermill engine `lai-chau-warm`: like papermill's own, on a kernel from a KernelPool.

    Engine arguments besides nbclient's: `kernel_pool` (default: this process's pool of
    `kernel_manager_class`); `resources={"metadata": {"path": workdir}}` is the notebook's
    working directory, as with nbclient; `shutdown_kernel` is ignored (the pool stops kernels)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = START_TIMEOUT,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        manager_class = kwargs.pop("kernel_manager_class", AsyncKernelManager)
        kernels: KernelPool = kwargs.pop("kernel_pool", None) or pool(manager_class)
        kwargs.pop("shutdown_kernel", None)  # the pool decides when a kernel stops
        workdir = kwargs.get("resources", {}).get("metadata", {}).get("path") or os.getcwd()
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        kernel = kernels.acquire(kernel_name)
        reusable = False
        try:
            kc = kernel.client()
            prepare = PREPARE_CODE.format(workdir=workdir, keep=KEEP_MODULES)
            run_sync(_run_silently)(kc, prepare, "resetting the kernel")
            # nbclient uses a client it is given and, not owning the kernel, leaves both running
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
            client.kc = kc
            try:
                client.execute()
            except BaseException as exc:
                exc.executed_notebook = nb_man.nb  # type: ignore[attr-defined]
                raise
            reusable = not _failed(nb_man.nb)
            if reusable:
                try:
                    why = run_sync(_run_capture)(
                        kc, CHECK_CODE.format(volatile=VOLATILE_ATTRIBUTES),
                        "checking the kernel's state")
                except KernelError as exc:  # the report ran: only its kernel is not reused
                    why = str(exc)
                if why:
                    logger.info("lai-chau: a new kernel for the next report: %s", why)
                    kernel.retired_because = why
                    reusable = False
        finally:
            kernels.release(kernel, reusable and _alive(kernel.km))
        return nb_man.nb


papermill_engines.register(ENGINE, WarmEngine)


class ColdEngine(NBClientEngine):
    """papermill engine `lai-chau-cold`: papermill's own on a new kernel, except that a run the
    kernel's death cut short keeps its notebook (`exc.executed_notebook`), so the render can name
    the cell that was running."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except BaseException as exc:
            exc.executed_notebook = nb_man.nb  # type: ignore[attr-defined]
            raise


COLD_ENGINE = "lai-chau-cold"
papermill_engines.register(COLD_ENGINE, ColdEngine)
