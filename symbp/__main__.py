"""``python -m symbp``: the ``symbp`` command (:mod:`symbp.cli`).  Room: front doors."""

import sys

from .cli import main

sys.exit(main())
