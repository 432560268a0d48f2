"""The values every stage shares, at the bottom of the import graph (with checker/kinds.py).

- ``values``: facts with their origin, sources, targets (the device document)
- ``statuses``: statuses, categories, severities, and the failing set
- ``results``: check metadata, results, scores, the report every reporter renders
- ``errors``: the one :class:`~checker.core.errors.BaselinerError` tree and the exit codes
- ``files``: bounded reads of untrusted inputs, atomic writes of reports
- ``text``: text as reports and terminals take it
- ``principals``, ``globs``: well-known SIDs, shell patterns
"""
