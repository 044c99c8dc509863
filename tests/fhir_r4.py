"""FHIR R4 with an implementation independent of zkDx: PyPI fhir.resources 6.1.0 (R4
4.0.1 models, strict: unknown elements and wrong types are errors). Used by tests/cli.rs
through tests/.venv, which scripts/setup.sh makes from tests/requirements.txt.

    tests/.venv/bin/python tests/fhir_r4.py validate FILE...
        parse each file as a FHIR R4 resource (a Bundle's entries as their own types);
        print "valid FHIR R4 <type>" or "INVALID: <errors>" per file; exit 1 if any is invalid
    tests/.venv/bin/python tests/fhir_r4.py observations OUT.json CODE=VALUE:UCUM...
        write a FHIR R4 Bundle of final Observations, one per code, made with the models
        (CODE is system|code, e.g. http://loinc.org|2345-7)
"""
import json
import sys

from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle, BundleEntry
from fhir.resources.codeableconcept import CodeableConcept
from fhir.resources.coding import Coding
from fhir.resources.observation import Observation
from fhir.resources.quantity import Quantity


def validate(paths):
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        try:
            resource = construct_fhir_element(data["resourceType"], data)
            kinds = [type(resource).__name__]
            if isinstance(resource, Bundle):
                kinds += [type(e.resource).__name__ for e in resource.entry or []]
            print(f"{path}: valid FHIR R4 {' '.join(kinds)}")
        except Exception as e:  # pydantic's ValidationError, or a missing resourceType
            failed = True
            print(f"{path}: INVALID: {e}")
    return 1 if failed else 0


def observations(out, specs):
    entries = []
    for i, spec in enumerate(specs):
        code, rest = spec.split("=", 1)
        value, unit = rest.split(":", 1)
        system, code = code.split("|", 1)
        obs = Observation(
            status="final",
            code=CodeableConcept(coding=[Coding(system=system, code=code)]),
            valueQuantity=Quantity(value=float(value), unit=unit, system="http://unitsofmeasure.org", code=unit),
        )
        entries.append(BundleEntry(fullUrl=f"urn:uuid:00000000-0000-4000-8000-{i:012d}", resource=obs))
    bundle = Bundle(type="collection", entry=entries)
    with open(out, "w", encoding="utf-8") as f:
        f.write(bundle.json(indent=2))
    return 0


if __name__ == "__main__":
    verb, args = sys.argv[1], sys.argv[2:]
    sys.exit(validate(args) if verb == "validate" else observations(args[0], args[1:]))
