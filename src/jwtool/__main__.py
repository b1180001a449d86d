"""``python -m jwtool`` and the ``jwtool`` console script.

The command line is imported inside ``main`` so that a Ctrl-C while it loads (the first tenth of
a second) ends like one during the command: "jwtool: interrupted", exit 130, no traceback.
"""

import sys


def main() -> None:
    try:
        from jwtool.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("jwtool: interrupted\n")
        exec("")  # noqa: S102 - see jwtool.cli._forget_interrupt
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
