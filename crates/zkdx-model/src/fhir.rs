//! FHIR R4 in: a patient's observations (a `Bundle` of `Observation`s, or one `Observation`)
//! become a record for a model. Each feature is found by its card code (LOINC, or zkDx's
//! local feature system) in an Observation's `code` or a component's, its `valueQuantity`
//! converted from its UCUM unit to the card's. Nothing is guessed: a feature that is
//! missing, given twice, without a UCUM unit, in a unit of another dimension or out of range
//! is reported, all of them at once, each with its feature.

use std::fmt;

use serde_json::Value;

use crate::card::{Coding, ModelCard};
use crate::error::RecordError;
use crate::units::{convert, UnitError};

/// UCUM's code system URI, as FHIR Quantities name it.
pub const UCUM: &str = "http://unitsofmeasure.org";

/// A value brought into the card's unit, to show the patient before proving.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The feature.
    pub feature: String,
    /// The value as the observation gave it.
    pub given: f64,
    /// Its UCUM unit.
    pub given_unit: String,
    /// The value in the card's unit.
    pub value: f64,
    /// The card's UCUM unit.
    pub unit: String,
}

impl fmt::Display for Conversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {} is {:.4} {}", self.feature, self.given, self.given_unit, self.value, self.unit)
    }
}

/// A record read from FHIR: values in the model's input order, and each unit conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The values, in the model's input order, in the card's units.
    pub values: Vec<f64>,
    /// The values that were converted from another unit.
    pub conversions: Vec<Conversion>,
}

/// Why one feature could not be filled.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The card gives the feature no code, so no observation can be matched to it.
    NoCode,
    /// No observation has the feature's code.
    Missing(Coding),
    /// Several observations have it (with their values).
    Ambiguous(Vec<String>),
    /// The observation's value is not a number with a unit (a text, a code, a range).
    NotAQuantity(String),
    /// The value is a bound (`< 5`), not a measurement.
    Comparator(String),
    /// The quantity has no UCUM unit code, so its unit cannot be checked.
    NoUcumUnit(String),
    /// The unit does not convert to the card's.
    Unit(UnitError),
    /// Not one of a categorical feature's allowed values.
    NotAllowed {
        /// The value.
        value: f64,
        /// The allowed values.
        allowed: Vec<f64>,
    },
    /// Outside the card's plausible range (after conversion).
    OutOfRange {
        /// The value in the card's unit.
        value: f64,
        /// Plausible minimum.
        min: f64,
        /// Plausible maximum.
        max: f64,
        /// The card's unit.
        unit: String,
    },
}

/// One feature's problem.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureProblem {
    /// The feature.
    pub feature: String,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for FeatureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.feature;
        match &self.problem {
            Problem::NoCode => {
                write!(f, "{name}: the model card gives no code for it; enter it in a CSV or JSON record")
            }
            Problem::Missing(c) => {
                write!(f, "{name}: no observation with code {} {} ({})", c.system, c.code, c.display)
            }
            Problem::Ambiguous(values) => write!(
                f,
                "{name}: {} observations with its code ({}); keep the one that applies",
                values.len(),
                values.join(", ")
            ),
            Problem::NotAQuantity(what) => write!(f, "{name}: the observation's value is {what}, not a quantity"),
            Problem::Comparator(c) => {
                write!(f, "{name}: the value is a bound (`{c}`), not a measurement")
            }
            Problem::NoUcumUnit(unit) => {
                write!(f, "{name}: the unit `{unit}` has no UCUM code (system {UCUM}), so it cannot be checked")
            }
            Problem::Unit(e) => write!(f, "{name}: {e}"),
            Problem::NotAllowed { value, allowed } => write!(
                f,
                "{name}: {value} is not one of its allowed values ({})",
                allowed.iter().map(f64::to_string).collect::<Vec<_>>().join(", ")
            ),
            Problem::OutOfRange { value, min, max, unit } => write!(
                f,
                "{name}: {value} {unit} is outside the plausible range {min} to {max} {unit}; check the value"
            ),
        }
    }
}

/// A number and its UCUM unit, as one observation (or component) gives it.
struct Given {
    value: f64,
    ucum: Option<String>,
}

/// True if the document is a FHIR resource (a JSON object with `resourceType`).
pub fn is_fhir(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes).is_ok_and(|v| v.get("resourceType").is_some_and(Value::is_string))
}

/// Read a record for the model described by `card` from a FHIR R4 document.
pub fn import(bytes: &[u8], card: &ModelCard) -> Result<Imported, RecordError> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| RecordError::Fhir(format!("not JSON: {e}")))?;
    let observations = observations(&doc)?;
    let mut values = Vec::with_capacity(card.features.len());
    let mut conversions = Vec::new();
    let mut problems = Vec::new();
    for feature in &card.features {
        let problem = |problem| FeatureProblem { feature: feature.name.clone(), problem };
        let Some(code) = &feature.code else {
            problems.push(problem(Problem::NoCode));
            continue;
        };
        let found: Vec<Result<Given, Problem>> = observations.iter().flat_map(|o| coded_values(o, code)).collect();
        let given = match found.len() {
            0 => Err(Problem::Missing(code.clone())),
            1 => found.into_iter().next().unwrap_or(Err(Problem::Missing(code.clone()))),
            _ => Err(Problem::Ambiguous(
                found
                    .iter()
                    .map(|g| match g {
                        Ok(g) => format!("{} {}", g.value, g.ucum.as_deref().unwrap_or("")).trim().to_string(),
                        Err(_) => "a value that is not a quantity".into(),
                    })
                    .collect(),
            )),
        };
        let value = given.and_then(|g| in_card_unit(&g, feature.ucum.as_deref(), feature.molar_mass));
        match value {
            Ok((v, _)) if v < feature.min || v > feature.max => problems.push(problem(Problem::OutOfRange {
                value: v,
                min: feature.min,
                max: feature.max,
                unit: feature.ucum.clone().unwrap_or_else(|| feature.unit.clone()),
            })),
            Ok((v, _)) if feature.allowed.as_ref().is_some_and(|a| !a.contains(&v)) => problems
                .push(problem(Problem::NotAllowed { value: v, allowed: feature.allowed.clone().unwrap_or_default() })),
            Ok((v, converted)) => {
                if let Some((given, given_unit)) = converted {
                    conversions.push(Conversion {
                        feature: feature.name.clone(),
                        given,
                        given_unit,
                        value: v,
                        unit: feature.ucum.clone().unwrap_or_default(),
                    });
                }
                values.push(v);
            }
            Err(p) => problems.push(problem(p)),
        }
    }
    if problems.is_empty() {
        Ok(Imported { values, conversions })
    } else {
        Err(RecordError::FhirFeatures(problems))
    }
}

/// The Observations of a document: itself, or a Bundle's entries' resources (other
/// resources, such as the Patient, are skipped; so are observations entered in error).
fn observations(doc: &Value) -> Result<Vec<&Value>, RecordError> {
    let kind = doc.get("resourceType").and_then(Value::as_str).unwrap_or("");
    let all: Vec<&Value> = match kind {
        "Observation" => vec![doc],
        "Bundle" => doc
            .get("entry")
            .and_then(Value::as_array)
            .map(|entries| entries.iter().filter_map(|e| e.get("resource")).collect())
            .unwrap_or_default(),
        "" => return Err(RecordError::Fhir("it has no `resourceType`".into())),
        other => return Err(RecordError::Fhir(format!("it is a {other}"))),
    };
    Ok(all
        .into_iter()
        .filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("Observation"))
        .filter(|r| !matches!(r.get("status").and_then(Value::as_str), Some("entered-in-error" | "cancelled")))
        .collect())
}

fn has_code(concept: Option<&Value>, code: &Coding) -> bool {
    concept.and_then(|c| c.get("coding")).and_then(Value::as_array).is_some_and(|codings| {
        codings.iter().any(|c| {
            c.get("system").and_then(Value::as_str) == Some(code.system.as_str())
                && c.get("code").and_then(Value::as_str) == Some(code.code.as_str())
        })
    })
}

/// The values an observation gives under `code`: its own, and its components'.
fn coded_values(observation: &Value, code: &Coding) -> Vec<Result<Given, Problem>> {
    let mut out = Vec::new();
    if has_code(observation.get("code"), code) {
        out.push(value_of(observation));
    }
    if let Some(components) = observation.get("component").and_then(Value::as_array) {
        out.extend(components.iter().filter(|c| has_code(c.get("code"), code)).map(value_of));
    }
    out
}

/// The number and unit of an observation's or component's `value[x]`.
fn value_of(item: &Value) -> Result<Given, Problem> {
    if let Some(q) = item.get("valueQuantity") {
        if let Some(c) = q.get("comparator").and_then(Value::as_str) {
            return Err(Problem::Comparator(c.to_string()));
        }
        let value = q
            .get("value")
            .and_then(Value::as_f64)
            .ok_or_else(|| Problem::NotAQuantity("a quantity without a number".into()))?;
        let ucum = match (q.get("system").and_then(Value::as_str), q.get("code").and_then(Value::as_str)) {
            (Some(UCUM), Some(code)) => Some(code.to_string()),
            (_, _) => match q.get("unit").and_then(Value::as_str).or_else(|| q.get("code").and_then(Value::as_str)) {
                Some(unit) => return Err(Problem::NoUcumUnit(unit.to_string())),
                None => None,
            },
        };
        return Ok(Given { value, ucum });
    }
    if let Some(v) = item.get("valueInteger").and_then(Value::as_i64) {
        return Ok(Given { value: v as f64, ucum: None });
    }
    let what = ["valueString", "valueCodeableConcept", "valueBoolean", "valueRange", "valueRatio", "valuePeriod"]
        .iter()
        .find(|k| item.get(**k).is_some())
        .map_or("missing".to_string(), |k| format!("a {}", &k[5..]));
    Err(Problem::NotAQuantity(what))
}

/// The value in the card's unit, and the value and unit it was converted from, if it was.
fn in_card_unit(
    given: &Given,
    card_unit: Option<&str>,
    molar_mass: Option<f64>,
) -> Result<(f64, Option<(f64, String)>), Problem> {
    match (given.ucum.as_deref(), card_unit) {
        (Some(from), Some(to)) if from == to => Ok((given.value, None)),
        (Some(from), Some(to)) => convert(given.value, from, to, molar_mass)
            .map(|v| (v, Some((given.value, from.to_string()))))
            .map_err(Problem::Unit),
        // a bare number is accepted only where the card's unit is a pure number (`1`, `{code}`)
        (None, Some(to)) if to == "1" || (to.starts_with('{') && to.ends_with('}')) => Ok((given.value, None)),
        (None, Some(to)) => Err(Problem::NoUcumUnit(format!("(none; {to} expected)"))),
        (Some(from), None) => Err(Problem::Unit(UnitError::Incommensurable {
            from: from.to_string(),
            to: "(the card gives no UCUM unit)".into(),
        })),
        (None, None) => Ok((given.value, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{Feature, ModelKind, LOINC};
    use serde_json::json;

    fn feature(name: &str, code: &str, ucum: &str, molar_mass: Option<f64>, min: f64, max: f64) -> Feature {
        Feature {
            name: name.into(),
            unit: ucum.into(),
            description: name.into(),
            min,
            max,
            code: Some(Coding { system: LOINC.into(), code: code.into(), display: name.into() }),
            ucum: Some(ucum.into()),
            molar_mass,
            allowed: None,
        }
    }

    fn card() -> ModelCard {
        ModelCard {
            id: "m".into(),
            name: "m".into(),
            version: "1".into(),
            kind: ModelKind::Regression,
            intended_use: String::new(),
            limitations: String::new(),
            features: vec![
                feature("glucose", "2345-7", "mg/dL", Some(180.156), 20.0, 600.0),
                feature("bp", "8478-0", "mm[Hg]", None, 40.0, 200.0),
            ],
            labels: None,
            output: None,
            result_code: None,
            training: Value::Null,
            metrics: Default::default(),
            digest: None,
            scale_bits: None,
        }
    }

    fn quantity(value: f64, ucum: &str) -> Value {
        json!({"value": value, "unit": ucum, "system": UCUM, "code": ucum})
    }

    fn observation(code: &str, value: Value) -> Value {
        json!({"resourceType": "Observation", "status": "final",
               "code": {"coding": [{"system": LOINC, "code": code}]}, "valueQuantity": value})
    }

    fn bundle(resources: Vec<Value>) -> Vec<u8> {
        let entries: Vec<Value> = resources.into_iter().map(|r| json!({"resource": r})).collect();
        serde_json::to_vec(&json!({"resourceType": "Bundle", "type": "collection", "entry": entries}))
            .unwrap_or_default()
    }

    fn problems(doc: &[u8]) -> Vec<FeatureProblem> {
        match import(doc, &card()) {
            Err(RecordError::FhirFeatures(p)) => p,
            other => vec![FeatureProblem { feature: format!("{other:?}"), problem: Problem::NoCode }],
        }
    }

    #[test]
    fn a_bundle_fills_the_record_by_code_converting_units() {
        let bp_panel = json!({"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "85354-9"}]},
            "component": [{"code": {"coding": [{"system": LOINC, "code": "8478-0"}]},
                           "valueQuantity": quantity(12.0, "kPa")}]});
        let doc = bundle(vec![
            json!({"resourceType": "Patient"}),
            observation("2345-7", quantity(5.5, "mmol/L")),
            observation("2345-7", json!({"value": 400.0, "unit": "mg/dL", "system": UCUM, "code": "mg/dL"}))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("status".into(), "entered-in-error".into());
                    Value::Object(o)
                })
                .unwrap_or_default(),
            bp_panel,
        ]);
        let imported = import(&doc, &card()).unwrap_or_else(|e| Imported {
            values: vec![],
            conversions: vec![Conversion {
                feature: e.to_string(),
                given: 0.0,
                given_unit: String::new(),
                value: 0.0,
                unit: String::new(),
            }],
        });
        assert_eq!(imported.values.len(), 2, "{imported:?}");
        assert!((imported.values[0] - 99.0858).abs() < 1e-9);
        assert!((imported.values[1] - 90.0075).abs() < 1e-3);
        assert_eq!(imported.conversions.len(), 2);
        assert_eq!(imported.conversions[0].to_string(), "glucose: 5.5 mmol/L is 99.0858 mg/dL");
        // one Observation on its own
        let one = serde_json::to_vec(&observation("2345-7", quantity(99.0, "mg/dL"))).unwrap_or_default();
        assert_eq!(problems(&one).len(), 1, "only bp is missing");
    }

    #[test]
    fn every_feature_problem_is_reported_at_once_and_nothing_is_guessed() {
        let doc = bundle(vec![
            observation("2345-7", quantity(99.0, "mg/dL")),
            observation("2345-7", quantity(101.0, "mg/dL")),
            observation("8478-0", json!({"value": 90.0, "unit": "mmHg"})),
        ]);
        let p = problems(&doc);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(matches!(&p[0].problem, Problem::Ambiguous(v) if v.len() == 2));
        assert_eq!(p[1].problem, Problem::NoUcumUnit("mmHg".into()));
        assert_eq!(
            p[0].to_string(),
            "glucose: 2 observations with its code (99 mg/dL, 101 mg/dL); keep the one that applies"
        );
        let doc =
            bundle(vec![observation("2345-7", quantity(5.5, "kg")), observation("8478-0", quantity(250.0, "mm[Hg]"))]);
        let p = problems(&doc);
        assert!(matches!(&p[0].problem, Problem::Unit(UnitError::Incommensurable { .. })), "{p:?}");
        assert!(matches!(&p[1].problem, Problem::OutOfRange { value, .. } if *value == 250.0));
        let doc = bundle(vec![
            observation("2345-7", json!({"value": 5.0, "comparator": "<", "system": UCUM, "code": "mg/dL"})),
            json!({"resourceType": "Observation", "status": "final",
                   "code": {"coding": [{"system": LOINC, "code": "8478-0"}]}, "valueString": "normal"}),
        ]);
        let p = problems(&doc);
        assert_eq!(p[0].problem, Problem::Comparator("<".into()));
        assert_eq!(p[1].problem, Problem::NotAQuantity("a String".into()));
        assert_eq!(problems(&bundle(vec![])).len(), 2);
    }

    #[test]
    fn documents_that_are_not_observations_are_refused() {
        for doc in [json!({"resourceType": "Patient"}), json!({"no": "type"})] {
            let bytes = serde_json::to_vec(&doc).unwrap_or_default();
            assert!(matches!(import(&bytes, &card()), Err(RecordError::Fhir(_))));
        }
        assert!(matches!(import(b"{", &card()), Err(RecordError::Fhir(_))));
        assert!(is_fhir(br#"{"resourceType": "Bundle"}"#));
        assert!(!is_fhir(br#"{"age": 40}"#));
    }
}
