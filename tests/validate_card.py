"""Validate zkDx model cards against docs/model-card.schema.json with PyPI jsonschema (JSON
Schema 2020-12), an implementation independent of zkDx's; used by tests/cli.rs through
tests/.venv.

    tests/.venv/bin/python tests/validate_card.py CARD.json ...
"""
import json
import os
import sys

from jsonschema import Draft202012Validator

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, "docs", "model-card.schema.json"), encoding="utf-8") as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
failed = False
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        errors = sorted(validator.iter_errors(json.load(f)), key=lambda e: list(e.path))
    if errors:
        failed = True
        print(f"{path}: INVALID: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors))
    else:
        print(f"{path}: valid zkDx model card")
sys.exit(1 if failed else 0)
