"""Write the check kinds' parts (checker/kinds.py) into the shipped JSON Schemas.

The tool reads the schemas with the kinds put in (``checker.policy.schemas.schema``); editors
read the files in checker/data, which this keeps equal to that (tests/test_registries.py
fails when they differ):

    python -m tools.gen_schemas
"""

from __future__ import annotations

import json
from pathlib import Path

from checker.policy.schemas import SCHEMAS, schema

DATA = Path(__file__).resolve().parents[1] / "checker" / "data"


def text(name: str) -> str:
    """The schema ``name`` as the shipped file holds it."""
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for name in (*SCHEMAS, "cases"):
        path = DATA / f"{name}.schema.json"
        if path.read_text("utf-8") != text(name):
            path.write_text(text(name), "utf-8")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
