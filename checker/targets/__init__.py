"""From input paths to targets: discover the exports (by the loaders' registry), plan the
targets (each path, or a manifest), load and merge each target's sources, translate Intune
settings to the Group Policy facts checks read.

- ``plans``: the values a plan holds; ``discover``: walk inputs, sniff formats
- ``manifest``: targets a ``targets.yaml`` names; ``load``: plan and load targets
- ``merge``: sources into one device, by Windows' precedence (GP, MDM, MDMWinsOverGP)
- ``mapping``: the Intune -> Group Policy mapping table
- ``firewall``: firewall profile facts from the registry values that hold them

Without a manifest, each input path is a target, except that every export of a device format
(gpresult) is a device of its own, so a folder of them is a fleet, and each GPO of a report
holding several (``Get-GPOReport -All``, see ``loaders.Parted``) is a target of its own.
Inside a folder, every other export belongs to the folder's target, applied in path order.

Planning reads only file heads (and the GPO names of a report whose head shows it holds
several); loading happens per target (possibly in a worker process), so one bad file costs
only its own target, and memory holds one target at a time.
"""
