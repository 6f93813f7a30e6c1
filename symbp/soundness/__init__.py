"""The soundness room: an independent oracle and the mutation harness that measures the checker.

``oracle`` re-reads the forward equations and runs the network in plain Python with
complex-step derivatives; it shares none of the checker's algebra, numerics or mutable state
(it keeps its own small copy of what it needs, on purpose).  ``mutation`` mutates and rewrites
every verified link and asks the oracle which mutants are still equal.  May import: everything
but the front doors.
"""
