"""The model room: the data that the engine computes with.

``normal_form`` (index-notation expressions: sums of products with canonical dummy indices,
Kronecker deltas contracted) and ``network`` (families of indexed quantities, their ranges and
forward definitions).  May import: :mod:`symbp.errors`, :mod:`symbp.limits`,
:mod:`symbp.notation`, :mod:`symbp.printable`.
"""
