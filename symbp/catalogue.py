"""The catalogue of activation and error functions symbp knows by name.

One table that the file directives, the CLI, the engine, the numeric check and the proofs all
read.  Imports nothing of symbp.
"""

from __future__ import annotations

#: activations symbp knows symbolically, by h' as a polynomial in h (identity: h(x) = x)
ACTIVATION_KINDS = {"tanh": {0: 1, 2: -1}, "logistic": {1: 1, 2: -1}, "identity": None}
ERROR_KINDS = ("sum-of-squares",)
