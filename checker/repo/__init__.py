"""The policy repository: lint every file it holds (``lint``, ``lint_refs``), and run its
policy unit tests (``casetest``)."""
