"""Scores over time: every recorded run kept, in a SQLite file or a shared PostgreSQL
database, and two runs or result files compared.  Rendering is the reporters'
(checker/reporters/history.py, diff.py).

- ``location``: what ``--history`` names (a file, ``sqlite:///…``, ``postgresql://…``)
- ``database``: what the store needs of a database; ``sqlite_db`` and ``postgres_db`` give it
- ``schema``: the tables, the same in both, and their versioned migrations
- ``totals``: a run's scores per benchmark and target group
- ``store``: recording a run; ``query``: the series ``history`` shows, runs for ``diff``
- ``diff``: what changed between two result documents
"""
