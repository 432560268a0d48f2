"""From results to scores and verdicts: the tally (DESIGN §5), exceptions (waivers),
remediation plans, the gate, and the findings digest the CI reporters share.

- ``tally``: per target, per category, per fleet, in exact fractions
- ``waivers``: reviewed, expiring exceptions applied to results
- ``plans``: remediation plans and their state in a run
- ``gate``: whether a run passes ``--fail-under`` and ``--fail-on``
- ``digest``: per check, the first targets of each outcome, in bounded memory
"""
