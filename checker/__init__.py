"""baseliner: policy-as-code compliance checks for Windows security baselines."""

__version__ = "0.1.0"
