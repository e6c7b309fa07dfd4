"""``gongzhi serve``: the production web server (gunicorn, threaded workers).

The embedded demo keeps ``runserver``; this is what a deployment runs behind nginx. Worker
and thread counts come from the cores unless ``WEB_CONCURRENCY`` / ``WEB_THREADS`` say
otherwise; database connections are kept open between requests (``DB_CONN_MAX_AGE``,
default 60 s here) and health-checked before reuse.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandParser


def default_workers(cores: int | None = None) -> int:
    """Two processes per core, plus one: the request path is mostly waiting on the database."""
    return 2 * (cores or os.cpu_count() or 1) + 1


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


class Command(BaseCommand):
    help = "Serve Gongzhi with gunicorn (production). Put nginx in front for TLS and media."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_CONCURRENCY", 0)) or None)
        parser.add_argument("--threads", type=int,
                            default=int(os.environ.get("WEB_THREADS", 4)))
        parser.add_argument("--timeout", type=int, default=30)
        parser.add_argument("--access-log", action="store_true")
        parser.add_argument("--print", action="store_true",
                            help="print the gunicorn command instead of running it")

    def handle(self, *args, **options) -> None:
        argv = gunicorn_argv(
            bind=options["bind"], workers=options["workers"] or default_workers(),
            threads=max(1, options["threads"]), timeout=options["timeout"],
            access_log=options["access_log"])
        if options["print"]:
            self.stdout.write(" ".join(argv))
            return
        env = dict(os.environ)
        env.setdefault("DB_CONN_MAX_AGE", "60")
        env.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
        os.execve(sys.executable, argv, env)
