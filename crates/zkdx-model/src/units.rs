//! Units of measure: checking UCUM codes and converting a value between two UCUM units of
//! the same dimension (`mmol/L` ↔ `mg/dL` through a molar mass), with the UCUM library
//! `octofhir-ucum` (which follows the UCUM specification and passes its official tests).

use octofhir_ucum::{convert as ucum_convert, is_comparable, validate};

/// Why a value could not be brought into the unit a model expects.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// Not a UCUM code.
    #[error("`{0}` is not a UCUM unit code")]
    NotUcum(String),
    /// Different dimensions (and no molar mass to bridge moles and grams).
    #[error("{from} cannot be converted to {to}: they measure different things")]
    Incommensurable {
        /// The unit given.
        from: String,
        /// The unit wanted.
        to: String,
    },
    /// The conversion itself failed (a value outside a special unit's domain).
    #[error("{value} {from} cannot be converted to {to}: {detail}")]
    Failed {
        /// The value.
        value: f64,
        /// The unit given.
        from: String,
        /// The unit wanted.
        to: String,
        /// The library's reason.
        detail: String,
    },
}

/// Check that `code` is a valid UCUM code.
pub fn check_ucum(code: &str) -> Result<(), UnitError> {
    validate(code).map_err(|_| UnitError::NotUcum(code.to_string()))
}

/// `value` in UCUM unit `from`, expressed in UCUM unit `to`. With a molar mass (g/mol), a
/// substance amount (moles) converts to a mass and back: `mmol/L` to `mg/dL` for glucose.
pub fn convert(value: f64, from: &str, to: &str, molar_mass: Option<f64>) -> Result<f64, UnitError> {
    check_ucum(from)?;
    check_ucum(to)?;
    if from == to {
        return Ok(value);
    }
    let failed = |e: octofhir_ucum::UcumError| UnitError::Failed {
        value,
        from: from.to_string(),
        to: to.to_string(),
        detail: e.to_string(),
    };
    if is_comparable(from, to).unwrap_or(false) {
        return ucum_convert(value, from, to).map_err(failed);
    }
    // moles ↔ grams: multiply by the molar mass (g/mol) or divide by it, and let UCUM check
    // that the result has the wanted dimension
    if let Some(m) = molar_mass.filter(|m| m.is_finite() && *m > 0.0) {
        for (bridged, factor) in [(format!("({from}).g/mol"), m), (format!("({from}).mol/g"), 1.0 / m)] {
            if is_comparable(&bridged, to).unwrap_or(false) {
                return ucum_convert(value * factor, &bridged, to).map_err(failed);
            }
        }
    }
    Err(UnitError::Incommensurable { from: from.to_string(), to: to.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn same_dimension_converts() {
        assert!(close(convert(2.0, "kg", "[lb_av]", None).unwrap_or(0.0), 4.409_245_243_697_551));
        // UCUM defines m[Hg] as 133.322 kPa
        assert!(close(convert(10.0, "kPa", "mm[Hg]", None).unwrap_or(0.0), 10_000.0 / 133.322));
        assert!(close(convert(1.0, "g/L", "mg/dL", None).unwrap_or(0.0), 100.0));
        assert_eq!(convert(7.0, "mg/dL", "mg/dL", None), Ok(7.0));
    }

    #[test]
    fn moles_and_grams_convert_through_the_molar_mass() {
        // glucose, 180.156 g/mol: 5.5 mmol/L is 99.09 mg/dL, and back
        let mg = convert(5.5, "mmol/L", "mg/dL", Some(180.156)).unwrap_or(0.0);
        assert!(close(mg, 99.0858), "{mg}");
        let mmol = convert(mg, "mg/dL", "mmol/L", Some(180.156)).unwrap_or(0.0);
        assert!(close(mmol, 5.5), "{mmol}");
        // without a molar mass, nothing is guessed
        assert!(matches!(convert(5.5, "mmol/L", "mg/dL", None), Err(UnitError::Incommensurable { .. })));
    }

    #[test]
    fn wrong_units_are_refused_with_their_reason() {
        assert!(matches!(convert(1.0, "kg", "mg/dL", Some(180.0)), Err(UnitError::Incommensurable { .. })));
        assert_eq!(convert(1.0, "mm Hg", "mm[Hg]", None), Err(UnitError::NotUcum("mm Hg".into())));
        assert_eq!(
            convert(1.0, "kg", "m", None).map_err(|e| e.to_string()),
            Err("kg cannot be converted to m: they measure different things".into())
        );
    }
}
