"""Allow ``python -m jwtool``."""

from jwtool.cli import main

if __name__ == "__main__":
    main()
