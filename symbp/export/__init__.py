"""Leaving symbp: a checked formula as NumPy/PyTorch/JAX source (:mod:`symbp.export.code`) and a
gradcheck-style bridge to the user's own PyTorch model (:mod:`symbp.export.torch_bridge`).

A room after the checker (it exports only what the checker verified) and before the front doors.
"""
