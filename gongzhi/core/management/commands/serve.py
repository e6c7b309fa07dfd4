"""``gongzhi serve``: the production web server.

The embedded demo keeps ``runserver``; this is what a deployment runs behind nginx. Two
servers are supported, measured side by side by ``bench/vote_bench.py`` (docs/decisions.md):

* **granian** (default): a Rust HTTP server running the WSGI application on a pool of
  threads per process. On 2 cores it answered ``/healthz`` about twice as fast as
  gunicorn's threaded workers over keep-alive connections, and votes faster in proportion.
* **gunicorn** (``--server gunicorn``): threaded workers (``gthread``), the classic choice,
  with a per-request timeout that kills a stuck worker.

Process and thread counts come from the cores unless ``WEB_CONCURRENCY`` / ``WEB_THREADS``
say otherwise; database connections are kept open between requests (``DB_CONN_MAX_AGE``,
default 60 s here).
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

SERVERS = ("granian", "gunicorn")


def default_workers(cores: int | None = None, server: str = "gunicorn") -> int:
    """gunicorn: two processes per core, plus one (the request path mostly waits on the
    database). granian: one per core — its threads overlap the waits within a process,
    and more processes on the same cores only add switching (measured: 2 × 4 threads on
    2 cores beat 3 × 2, 3 × 3, 3 × 4, 2 × 8 and 3 × 8, docs/decisions.md)."""
    cores = cores or os.cpu_count() or 1
    return cores if server == "granian" else 2 * cores + 1


DEFAULT_THREADS = 4  # both servers: the fastest layout measured on 2 cores


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int,
                  access_log: bool) -> list[str]:
    argv = [
        sys.executable, "-m", "gunicorn", "gongzhi.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--timeout", str(timeout),
        "--graceful-timeout", "20",
        "--keep-alive", "5",
        # Recycle workers now and then so a slow leak in a dependency cannot grow forever.
        "--max-requests", "5000", "--max-requests-jitter", "500",
        "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--error-logfile", "-",
    ]
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv


def granian_argv(*, bind: str, workers: int, threads: int, access_log: bool,
                 max_rss_mib: int = 1024) -> list[str]:
    """The granian command. ``bind`` is host:port or ``unix:/path``. A process whose
    memory grows past ``max_rss_mib`` is replaced (granian's answer to gunicorn's
    ``--max-requests``), a process that dies is started again, and a stopping process gets
    20 s to finish its requests."""
    argv = [sys.executable, "-m", "granian", "--interface", "wsgi"]
    if bind.startswith("unix:"):
        argv += ["--uds", bind[len("unix:"):]]
    else:
        host, _, port = bind.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--bind {bind!r}: give host:port or unix:/path")
        argv += ["--host", host.strip("[]"), "--port", port]
    argv += [
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--respawn-failed-workers",
        "--workers-max-rss", str(max_rss_mib),
        "--workers-kill-timeout", "20",
        "--log-level", "warning",
    ]
    if access_log:
        argv += ["--access-log"]
    return [*argv, "gongzhi.wsgi:application"]


class Command(BaseCommand):
    help = "Serve Gongzhi in production (granian or gunicorn). Put nginx in front for TLS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--server", choices=SERVERS,
                            default=os.environ.get("WEB_SERVER", "granian"))
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_CONCURRENCY", 0)) or None)
        parser.add_argument("--threads", type=int,
                            default=int(os.environ.get("WEB_THREADS", 0)) or None)
        parser.add_argument("--timeout", type=int, default=30,
                            help="gunicorn only: kill a worker stuck on a request this long")
        parser.add_argument("--access-log", action="store_true")
        parser.add_argument("--print", action="store_true",
                            help="print the server's command instead of running it")

    def handle(self, *args, **options) -> None:
        server = options["server"]
        if server not in SERVERS:
            raise CommandError(f"WEB_SERVER={server!r}: choose one of {', '.join(SERVERS)}")
        workers = options["workers"] or default_workers(server=server)
        if server == "granian":
            argv = granian_argv(bind=options["bind"], workers=workers,
                                threads=max(1, options["threads"] or DEFAULT_THREADS),
                                access_log=options["access_log"])
        else:
            argv = gunicorn_argv(
                bind=options["bind"], workers=workers,
                threads=max(1, options["threads"] or DEFAULT_THREADS),
                timeout=options["timeout"],
                access_log=options["access_log"])
        if options["print"]:
            self.stdout.write(" ".join(argv))
            return
        env = dict(os.environ)
        env.setdefault("DB_CONN_MAX_AGE", "60")
        env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
        os.execve(sys.executable, argv, env)
