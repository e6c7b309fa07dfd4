"""The ``gongzhi`` command: every manage.py command, plus ``gongzhi demo``."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongzhi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
