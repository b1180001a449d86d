"""``python -m jwtool`` and the ``jwtool`` console script.

The command line is imported inside ``main`` so that a Ctrl-C while it loads (the first tenth of
a second) ends like one during the command: "jwtool: interrupted", exit 130, no traceback.
"""

import sys
from typing import NoReturn


def main() -> None:
    try:
        from jwtool.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("jwtool: interrupted\n")
        exit_interrupted()
    run()


def exit_interrupted() -> NoReturn:
    """Exit 130 after Ctrl-C, as promised, and not by the signal.

    CPython remembers a KeyboardInterrupt raised inside code run by ``exec`` of a string (which
    dataclasses and typer do while modules load) even when it is caught, and then ends the
    process by SIGINT (-2) instead of the exit code. Running such code once more resets that
    memory: the one place jwtool works around it.
    """
    exec("")  # noqa: S102 - a constant empty string
    sys.exit(130)


if __name__ == "__main__":
    main()
