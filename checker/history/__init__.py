"""Scores over time: every recorded run kept (``store``), and two result files compared
(``diff``).  Rendering is the reporters' (checker/reporters/history.py, diff.py)."""
