"""Allow ``python -m proofolio``."""

from proofolio.cli import main

if __name__ == "__main__":
    main()
