//! Patient records: one set of feature values from a CSV file (a header row of feature
//! names and one row of values) or a JSON object (`{"feature": value, …}`, optionally with
//! `"model": "<id>"`), checked against the model's features and plausible ranges.

use std::path::Path;

use crate::error::RecordError;
use crate::io::ReadError;
use crate::ir::InputSpec;

/// Largest record file accepted (a record is a few hundred bytes).
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// The file formats a record may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, header row + one data row.
    Csv,
    /// A JSON object.
    Json,
}

/// What a record is checked against.
pub struct Schema<'a> {
    /// The model's id (a JSON record may name it).
    pub model_id: &'a str,
    /// Features in input order with their ranges.
    pub features: &'a [InputSpec],
    /// Unit of each feature, for messages (same order; may be empty).
    pub units: Vec<String>,
    /// The allowed values of each categorical feature (same order; may be empty).
    pub allowed: Vec<Option<Vec<f64>>>,
}

/// Read and check a record file; the values come back in the model's input order.
pub fn read_record(path: &Path, schema: &Schema<'_>) -> Result<Vec<f64>, RecordError> {
    let (bytes, format) = read_file(path)?;
    parse_record(&bytes, format, schema)
}

/// A record file's bytes (at most [`MAX_RECORD_BYTES`]) and the format its extension names.
pub fn read_file(path: &Path) -> Result<(Vec<u8>, Option<Format>), RecordError> {
    let bytes = crate::io::read_limited(path, MAX_RECORD_BYTES).map_err(|e| match e {
        ReadError::Io(e) => RecordError::Io { path: path.display().to_string(), detail: e.to_string() },
        ReadError::TooLarge { size, limit } => RecordError::TooLarge { size, limit },
    })?;
    let format = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Some(Format::Csv),
        Some("json") => Some(Format::Json),
        _ => None,
    };
    Ok((bytes, format))
}

/// Parse and check a record from bytes; `format` `None` means guess from the content.
pub fn parse_record(bytes: &[u8], format: Option<Format>, schema: &Schema<'_>) -> Result<Vec<f64>, RecordError> {
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(RecordError::TooLarge { size: bytes.len() as u64, limit: MAX_RECORD_BYTES });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| RecordError::Csv("the file is not UTF-8 text".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(RecordError::Empty);
    }
    let format = match format {
        Some(f) => f,
        None if text.trim_start().starts_with('{') => Format::Json,
        None if text.contains(',') => Format::Csv,
        None => return Err(RecordError::UnknownFormat),
    };
    if format == Format::Json && crate::fhir::is_fhir(bytes) {
        return Err(RecordError::IsFhir);
    }
    let pairs = match format {
        Format::Csv => csv_pairs(text)?,
        Format::Json => json_pairs(text, schema.model_id)?,
    };
    check(pairs, schema)
}

type Pairs = Vec<(String, RawValue)>;

enum RawValue {
    Number(f64),
    Text(String),
}

fn csv_pairs(text: &str) -> Result<Pairs, RecordError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| RecordError::Csv(e.to_string()))?.clone();
    if headers.len() == 1 {
        let h = &headers[0];
        if h.contains(';') || h.contains('\t') {
            return Err(RecordError::Csv("the columns are separated by `;` or tabs; zkDx reads commas".into()));
        }
    }
    let rows: Vec<csv::StringRecord> =
        reader.records().collect::<Result<_, _>>().map_err(|e| RecordError::Csv(e.to_string()))?;
    let rows: Vec<_> = rows.into_iter().filter(|r| r.iter().any(|f| !f.is_empty())).collect();
    match rows.len() {
        0 => Err(RecordError::Csv("a header row but no values".into())),
        1 => Ok(headers.iter().zip(rows[0].iter()).map(|(h, v)| (h.to_string(), parse_text(v))).collect()),
        n => Err(RecordError::ManyRows(n)),
    }
}

fn parse_text(v: &str) -> RawValue {
    match v.parse::<f64>() {
        Ok(x) => RawValue::Number(x),
        Err(_) => RawValue::Text(v.to_string()),
    }
}

fn json_pairs(text: &str, model_id: &str) -> Result<Pairs, RecordError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| RecordError::Json(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(RecordError::Json("expected an object of feature name → value".into()));
    };
    let mut pairs = Vec::with_capacity(map.len());
    for (k, v) in map {
        if k == "model" {
            let found = v.as_str().unwrap_or_default().to_string();
            if found != model_id {
                return Err(RecordError::WrongModel { found, expected: model_id.to_string() });
            }
            continue;
        }
        let raw = match v {
            serde_json::Value::Number(n) => RawValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => parse_text(&s),
            other => RawValue::Text(other.to_string()),
        };
        pairs.push((k, raw));
    }
    Ok(pairs)
}

fn check(pairs: Pairs, schema: &Schema<'_>) -> Result<Vec<f64>, RecordError> {
    let mut values: Vec<Option<f64>> = vec![None; schema.features.len()];
    let mut unknown = Vec::new();
    for (name, raw) in pairs {
        let Some(i) = schema.features.iter().position(|f| f.name == name) else {
            unknown.push(name);
            continue;
        };
        if values[i].is_some() {
            return Err(RecordError::Duplicate(name));
        }
        let v = match raw {
            RawValue::Number(v) => v,
            RawValue::Text(t) => return Err(RecordError::NotANumber { feature: name, value: t }),
        };
        if !v.is_finite() {
            return Err(RecordError::NonFinite { feature: name, value: v.to_string() });
        }
        values[i] = Some(v);
    }
    let missing: Vec<String> =
        schema.features.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|(f, _)| f.name.clone()).collect();
    if !unknown.is_empty() && values.iter().all(Option::is_none) {
        return Err(RecordError::WrongModel {
            found: "another model (none of its features are this model's)".into(),
            expected: schema.model_id.into(),
        });
    }
    if !unknown.is_empty() {
        return Err(RecordError::Unknown(unknown));
    }
    if !missing.is_empty() {
        return Err(RecordError::Missing(missing));
    }
    let values: Vec<f64> = values.into_iter().flatten().collect();
    for (i, (f, &v)) in schema.features.iter().zip(&values).enumerate() {
        if v < f.min || v > f.max {
            return Err(RecordError::OutOfRange {
                feature: f.name.clone(),
                value: v,
                min: f.min,
                max: f.max,
                unit: schema.units.get(i).cloned().unwrap_or_default(),
            });
        }
        if let Some(Some(allowed)) = schema.allowed.get(i) {
            if !allowed.contains(&v) {
                return Err(RecordError::NotAllowed { feature: f.name.clone(), value: v, allowed: allowed.clone() });
            }
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> Vec<InputSpec> {
        vec![
            InputSpec { name: "age".into(), min: 0.0, max: 120.0 },
            InputSpec { name: "bmi".into(), min: 10.0, max: 60.0 },
        ]
    }

    fn parse(text: &str, format: Option<Format>) -> Result<Vec<f64>, RecordError> {
        let f = features();
        let schema = Schema {
            model_id: "m",
            features: &f,
            units: vec!["years".into(), "kg/m²".into()],
            allowed: vec![None, Some(vec![20.0, 30.0])],
        };
        parse_record(text.as_bytes(), format, &schema)
    }

    #[test]
    fn reads_csv_and_json_in_model_order() {
        assert_eq!(parse("bmi,age\n20,40\n", None), Ok(vec![40.0, 20.0]));
        assert_eq!(parse("\u{feff}age,bmi\r\n40,30\r\n", Some(Format::Csv)), Ok(vec![40.0, 30.0]));
        assert_eq!(parse(r#"{"bmi": 30, "age": "40", "model": "m"}"#, None), Ok(vec![40.0, 30.0]));
    }

    #[test]
    fn a_categorical_value_outside_its_set_is_refused_naming_the_set() {
        assert_eq!(
            parse("age,bmi\n40,22.5\n", None).map_err(|e| e.to_string()),
            Err("feature `bmi` = 22.5 is not one of its allowed values (20, 30): it is a code, not a measurement"
                .into())
        );
    }

    #[test]
    fn each_bad_record_has_its_error() {
        assert_eq!(parse("", None), Err(RecordError::Empty));
        assert!(matches!(parse("age;bmi\n40;22\n", Some(Format::Csv)), Err(RecordError::Csv(m)) if m.contains("`;`")));
        assert_eq!(parse("age\n40\n", Some(Format::Csv)), Err(RecordError::Missing(vec!["bmi".into()])));
        assert_eq!(parse("age,bmi,x\n40,22,1\n", Some(Format::Csv)), Err(RecordError::Unknown(vec!["x".into()])));
        assert_eq!(parse("age,age,bmi\n40,41,22\n", Some(Format::Csv)), Err(RecordError::Duplicate("age".into())));
        assert!(matches!(parse("age,bmi\nforty,22\n", Some(Format::Csv)), Err(RecordError::NotANumber { .. })));
        assert!(matches!(parse("age,bmi\nNaN,22\n", Some(Format::Csv)), Err(RecordError::NonFinite { .. })));
        assert!(matches!(parse("age,bmi\ninf,22\n", Some(Format::Csv)), Err(RecordError::NonFinite { .. })));
        assert!(matches!(parse("age,bmi\n140,22\n", Some(Format::Csv)), Err(RecordError::OutOfRange { .. })));
        assert_eq!(parse("age,bmi\n40,22\n41,23\n", Some(Format::Csv)), Err(RecordError::ManyRows(2)));
        assert!(matches!(
            parse(r#"{"age": 40, "bmi": 22, "model": "other"}"#, None),
            Err(RecordError::WrongModel { .. })
        ));
        assert!(matches!(parse(r#"{"radius": 1, "texture": 2}"#, None), Err(RecordError::WrongModel { .. })));
        assert!(matches!(parse("[1, 2]", Some(Format::Json)), Err(RecordError::Json(_))));
        assert!(matches!(parse("{\"age\": 4", Some(Format::Json)), Err(RecordError::Json(_))));
        let msg = parse("age,bmi\n140,22\n", None).map_err(|e| e.to_string());
        assert_eq!(
            msg,
            Err("feature `age` = 140 is outside the plausible range 0 to 120 years; check the value and its unit"
                .into())
        );
    }
}
