"""``python -m bargaining.cli``: the same as the ``bargaining`` command."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
