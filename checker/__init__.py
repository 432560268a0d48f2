"""baseliner: policy-as-code compliance checks for Windows security baselines."""

__version__ = "0.1.0"

INFORMATION_URI = "https://example.invalid/baseliner"
"""Where users learn about the tool (SARIF's ``informationUri``): the project's home, to be
set where it is published (also ``project.urls`` in pyproject.toml)."""
