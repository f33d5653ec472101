"""The `hienmau` console command: Django's manage.py under the project's own name.

`hienmau units import FILE`, `hienmau demo`, `hienmau migrate`, … Later parts add their own
subcommands as management commands.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hienmau.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hienmau", *sys.argv[1:]])


if __name__ == "__main__":
    main()
