"""Validate a run report against docs/report.schema.json (the documented schema)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "report.schema.json"


@functools.cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_report(data: Any) -> Any:
    """Raise ``jsonschema.ValidationError`` unless ``data`` is a valid report; return it."""
    _validator().validate(data)
    return data
