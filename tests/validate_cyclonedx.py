"""Validate CycloneDX JSON files against the CycloneDX 1.6 JSON schema that the PyPI package
cyclonedx-python-lib ships (strict: no unknown properties). Used by tests/cli.rs through
tests/.venv, which scripts/setup.sh makes from tests/requirements.txt.

    tests/.venv/bin/python tests/validate_cyclonedx.py BOM.json ...
"""
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

validator = JsonStrictValidator(SchemaVersion.V1_6)
failed = False
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        error = validator.validate_str(f.read())
    if error:
        failed = True
        print(f"{path}: INVALID: {error}")
    else:
        print(f"{path}: valid CycloneDX 1.6")
sys.exit(1 if failed else 0)
