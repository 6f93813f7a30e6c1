"""pytest set-up for the corpus: ``oracle.py`` and ``oracle_field.py`` import torch, so without
torch they are not imported (the ``--doctest-modules`` collection would import them: an error in
a venv with the ``test`` extra alone, the README's set-up); ``test_ground_truth.py`` skips instead."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("torch") else ["oracle.py", "oracle_field.py"]
