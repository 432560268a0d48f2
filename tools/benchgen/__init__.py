"""Benchmark generators: a benchmark YAML (DESIGN §4) from a baseline's published form.

The shipped benchmarks (``policies/*.yaml``) were generated once and are edited by hand since;
the generators are kept to make the next ones the same way::

    python -m tools.benchgen gpo ...       # Microsoft baselines' GPO backups (gpo.py)
    python -m tools.benchgen stig ...      # DISA STIGs from DISA's XCCDF or checklist (stig.py)
    python -m tools.benchgen osconfig ...  # Windows Server 2025 from the OSConfig CSV (osconfig.py)

The arguments that made each shipped benchmark are in
``tests/tools/benchgen/data/shipped_runs.yaml``.  Every generator turns its source into
:class:`~tools.benchgen.check.Check` values and shares the rest:

- ``backup``, ``gpreport``: a GPO backup's facts and its gpreport.xml;
- ``admx``, ``hardeningkitty``, ``sources``: the reference data (ADMX policies, HardeningKitty
  finding lists, the Intune mapping table);
- ``xccdf``, ``xccdf_text``, ``xccdf_rules`` (words in ``stig_words.yaml``): DISA's STIG
  publications read into rules and expectations; ``crosscheck``: a STIG benchmark against
  DISA's GPO packages and HardeningKitty's transcription;
- ``vocabulary``: the editor's names Windows does not write into a backup;
- ``rules`` (tables in ``rules.yaml``): area, category, ATT&CK techniques, severity, bounds;
- ``resolve``: titles and Group Policy paths; ``words``: values and expectations in words;
- ``ids``: unique, stable ids and titles; ``emit``: the YAML text; ``cli``: shared options.
"""
