"""Benchmarks: read YAML with positions, validate against the shipped schemas, compile every
check once (JMESPath and ``expect`` to closures), resolve profiles, select checks.

- ``yamlsrc``: YAML with positions and breadcrumbs; ``schemas``: the shipped JSON Schemas
- ``compile``: a check's document to a :class:`~checker.policy.compile.Check`
- ``load``: benchmark files, shipped names, profiles (``extends``), the cache
- ``select``: ``--check``/``--skip``/``--category``
- ``jmes``, ``jmes_builtins``, ``expect``: the assertion languages
"""
