"""``python -m stance`` is the ``stance`` command."""

import sys

from .cli import main

sys.exit(main())
