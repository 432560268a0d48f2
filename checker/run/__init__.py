"""Running a check: plan the targets, check them in batches (in worker processes for a
fleet), collect their results and tallies, and assemble the :class:`~checker.core.results.Report`.

- ``orchestrate``: :func:`~checker.run.orchestrate.run` and its options
- ``pool``: the worker processes and what each holds
- ``spool``: packed results, and the files a large fleet is kept in
"""
