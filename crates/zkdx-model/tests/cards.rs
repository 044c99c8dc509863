//! The shipped cards' codes: every UCUM unit is valid UCUM, every LOINC code has the right
//! check digit, and no two features share a code (FHIR import finds features by it).

mod common;

use std::collections::BTreeSet;

use zkdx_model::card::{local_system, LOINC};
use zkdx_model::units::check_ucum;
use zkdx_model::ModelCard;

/// LOINC's mod-10 check digit of the code's number part.
fn loinc_check_digit(number: &str) -> Option<u32> {
    let digits: Vec<u32> = number.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    let from_right: Vec<u32> = digits.iter().rev().copied().collect();
    let odd: String = from_right.iter().step_by(2).rev().map(u32::to_string).collect();
    let even: String = from_right.iter().skip(1).step_by(2).rev().map(u32::to_string).collect();
    let doubled = odd.parse::<u64>().ok()? * 2;
    let sum: u32 = format!("{even}{doubled}").chars().filter_map(|c| c.to_digit(10)).sum();
    Some((10 - sum % 10) % 10)
}

#[test]
fn loinc_check_digits_are_computed_as_loinc_defines_them() {
    assert_eq!(loinc_check_digit("2345"), Some(7)); // glucose
    assert_eq!(loinc_check_digit("12345"), Some(5)); // LOINC's worked example
    assert_eq!(loinc_check_digit("8478"), Some(0)); // mean blood pressure
}

#[test]
fn shipped_cards_are_coded_with_valid_codes_and_units() {
    for id in ["breast-cancer", "diabetes-progression"] {
        let card = ModelCard::load(&common::root().join(format!("models/{id}.json"))).unwrap();
        let mut seen = BTreeSet::new();
        for f in &card.features {
            let code = f.code.as_ref().unwrap_or_else(|| panic!("{id}: {} has no code", f.name));
            assert!(seen.insert((code.system.clone(), code.code.clone())), "{id}: {} shares its code", f.name);
            if code.system == LOINC {
                let (number, check) = code.code.split_once('-').unwrap();
                assert_eq!(loinc_check_digit(number), check.parse().ok(), "{id}: {} {}", f.name, code.code);
            } else {
                assert_eq!(code.system, local_system(id, "feature"), "{id}: {}", f.name);
            }
            let ucum = f.ucum.as_deref().unwrap_or_else(|| panic!("{id}: {} has no UCUM unit", f.name));
            assert_eq!(check_ucum(ucum), Ok(()), "{id}: {}", f.name);
            assert!(!code.display.is_empty());
        }
        if let Some(out) = &card.output {
            assert_eq!(check_ucum(out.ucum.as_deref().unwrap()), Ok(()));
        }
    }
}
