"""pytest set-up for the corpus: ``oracle.py`` needs torch, so without torch it is not imported
(the ``--doctest-modules`` collection would import it); ``test_ground_truth.py`` skips instead."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("torch") else ["oracle.py"]
