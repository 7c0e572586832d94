"""The `cloudfactory` command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(
        ["cloudfactory", *(sys.argv[1:] if argv is None else argv)]
    )


if __name__ == "__main__":
    main()
