"""JSON Schemas of the files a policy repository holds, and validation with positions.

Each schema ships in ``checker/data`` (editors use them too).  :func:`validate` turns the
first schema violation into a :class:`PolicyError` with the YAML line, column and a
breadcrumb to the key at fault.

Two validators answer: ``fastjsonschema`` compiles each schema to Python code and says
whether a document is valid about seven times faster than ``jsonschema`` (0.04 s instead of
0.27 s for the ten shipped benchmarks, most of loading them when the cache is cold, as on
every CI runner and after every edit); ``jsonschema`` explains an invalid one.  Only a
"valid" from the first is taken: a document it refuses is judged again by the second, so
the fast path can only save time, never refuse a document ``jsonschema`` accepts.  The
schemas use only keywords both libraries read alike (:data:`KEYWORDS`, held by the tests),
so it never accepts one ``jsonschema`` refuses either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, NoReturn

from checker.core.errors import PolicyError
from checker.kinds import schema_parts
from checker.policy.yamlsrc import breadcrumb, position

if TYPE_CHECKING:
    import jsonschema

SCHEMAS = ("benchmark", "exceptions", "plans", "targets")

KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$defs", "title", "description", "type", "enum", "pattern",
        "minLength", "minimum", "maximum", "minItems", "minProperties", "properties",
        "additionalProperties", "required", "items", "oneOf", "anyOf", "format",
    }
)  # fmt: skip
"""The keywords the shipped schemas may use: each means the same to ``fastjsonschema`` as to
``jsonschema`` (``format`` is checked by neither; ``items`` is always one schema)."""


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name``: the shipped ``checker/data/<name>.schema.json`` with the
    kind parts of checker/kinds.py put in (a test holds the shipped file, which editors
    read, equal to this)."""
    text = resources.files("checker.data").joinpath(f"{name}.schema.json").read_text("utf-8")
    return with_kinds(name, json.loads(text))


def with_kinds(name: str, document: dict[str, Any]) -> dict[str, Any]:
    """``document``, the schema ``name``, with the check kinds' parts at their pointers."""
    for where, part in schema_parts().items():
        schema_name, _, pointer = where.partition("#/")
        if schema_name != name:
            continue
        *path, last = pointer.split("/")
        node = document
        for step in path:
            node = node[step]
        node[last] = part
    return document


def _part(name: str, pointer: str) -> dict[str, Any]:
    """The schema, or the definition at ``$defs/<pointer>`` of it (with the definitions)."""
    root = schema(name)
    return {"$defs": root["$defs"], **root["$defs"][pointer]} if pointer else root


@cache
def _validator(name: str, pointer: str = "") -> jsonschema.protocols.Validator:
    """A validator for :func:`_part`."""
    import jsonschema  # here, not at the top: 30 ms of start-up a warm-cache check never needs

    cls = jsonschema.validators.validator_for(schema(name))
    validator: jsonschema.protocols.Validator = cls(_part(name, pointer))
    return validator


def _refuse(uri: str) -> NoReturn:
    raise ValueError(f"schemas refer only to themselves, not to {uri}")


@cache
def _fast(name: str, pointer: str = "") -> Callable[[Any], bool]:
    """Whether a document is valid by :func:`_part`, by the compiled schema."""
    import fastjsonschema  # here, as jsonschema: a warm-cache check validates nothing

    # Without its $id (which is for editors) a schema's references resolve in the schema
    # itself; with it, fastjsonschema would fetch the $id's URL.
    part = {key: value for key, value in _part(name, pointer).items() if key != "$id"}
    check = fastjsonschema.compile(
        part,
        handlers={"http": _refuse, "https": _refuse},
        use_default=False,  # never write defaults into the document
        use_formats=False,  # as jsonschema without a format checker
        detailed_exceptions=False,
    )

    def valid(instance: Any) -> bool:
        try:
            check(instance)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return valid


def validate(
    instance: Any,
    name: str,
    path: str,
    *,
    definition: str = "",
    document: Any = None,
    crumbs: tuple[str | int, ...] = (),
) -> None:
    """Raise PolicyError for the first violation of schema ``name`` (or its ``definition``).

    ``document`` and ``crumbs`` locate ``instance`` inside a larger parsed file.
    """
    if _fast(name, definition)(instance):
        return
    # Refused: jsonschema judges again, and explains.
    errors = sorted(
        _validator(name, definition).iter_errors(instance), key=lambda e: list(e.absolute_path)
    )
    if not errors:
        return
    error = _most_specific(errors[0])
    trail = [*crumbs, *error.absolute_path]
    unknown = _unknown_keys(error)
    if unknown:
        trail.append(unknown[0])
    # A bad value is shown at the value; a missing or unknown key at the key.
    at_value = not unknown and error.validator not in ("required", "oneOf", "anyOf")
    line, column = position(instance if document is None else document, trail, at_value=at_value)
    raise PolicyError(path, _describe(error), line, column, breadcrumb(trail))


def _most_specific(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For oneOf/anyOf failures, the sub-error deepest in the document says the most."""
    if error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            return _most_specific(deepest)
    return error


def _allowed_keys(error: jsonschema.ValidationError) -> list[str]:
    part = error.schema
    return sorted(part.get("properties", {})) if isinstance(part, dict) else []


def _unknown_keys(error: jsonschema.ValidationError) -> list[str]:
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    return sorted(set(error.instance) - set(_allowed_keys(error)))


def _alternatives(error: jsonschema.ValidationError) -> list[str]:
    """Key names of a oneOf/anyOf whose branches each require one key."""
    part = error.schema if isinstance(error.schema, dict) else {}
    if error.validator not in ("oneOf", "anyOf"):
        return []
    branches = part.get(str(error.validator), [])
    return [
        key for branch in branches if isinstance(branch, dict) for key in branch.get("required", [])
    ]


def _describe(error: jsonschema.ValidationError) -> str:
    unknown = _unknown_keys(error)
    if unknown:
        allowed = ", ".join(_allowed_keys(error))
        return f"unknown key {', '.join(map(repr, unknown))} (allowed: {allowed})"
    instance = error.instance if isinstance(error.instance, dict) else {}
    keys = _alternatives(error) if instance else []
    if keys and error.validator == "oneOf":
        present = [key for key in keys if key in instance]
        if len(present) > 1:
            return f"only one of {', '.join(present)} may be given"
        return f"needs one of {', '.join(keys)}"
    if keys and error.validator == "anyOf":
        return f"needs {' or '.join(map(repr, keys))}"
    message: str = error.message
    return message.replace("is a required property", "is required")
