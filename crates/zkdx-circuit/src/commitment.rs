//! The input commitment and everything it is made of: the patient's [`Salt`], the
//! [`Commitment`] a proof exposes (Poseidon over the quantised input and the salt, computed
//! natively here for `zkdx open` and the app's *Show which record*), and the one text form
//! of four field elements, 64 hex digits, that both are written in (as is a circuit's
//! fingerprint).

use std::fmt;
use std::str::FromStr;

use plonky2::field::types::{Field, Field64, PrimeField64, Sample};
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;

use crate::field::{to_field, F};

/// Why a text is not four field elements in hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// Not 64 hex digits.
    #[error("{what} is not 64 hex digits")]
    Length {
        /// What was being read ("a salt", "an input commitment").
        what: &'static str,
    },
    /// An element is at least the field's order, so no field element has that value.
    #[error("{what} holds a value outside the field")]
    OutOfField {
        /// What was being read.
        what: &'static str,
    },
}

/// Four field elements as 64 hex digits, each element 16 digits, most significant first.
pub fn to_hex(elements: &[u64; 4]) -> String {
    elements.iter().map(|v| format!("{v:016x}")).collect()
}

/// Four field elements from 64 hex digits (surrounding white space ignored); `what` names
/// the value in the error.
pub fn from_hex(s: &str, what: &'static str) -> Result<[u64; 4], HexError> {
    let s = s.trim();
    if s.len() != 64 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(HexError::Length { what });
    }
    let mut out = [0u64; 4];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u64::from_str_radix(&s[16 * i..16 * (i + 1)], 16).map_err(|_| HexError::Length { what })?;
        if *o >= F::ORDER {
            return Err(HexError::OutOfField { what });
        }
    }
    Ok(out)
}

/// The salt of an input commitment: four random field elements, kept by the patient.
/// Written as 64 hex digits ([`fmt::Display`], [`FromStr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Salt(pub [u64; 4]);

impl Salt {
    /// A fresh random salt (from the OS's random source).
    pub fn random() -> Salt {
        let mut rng = rand::rngs::OsRng;
        let f: [F; 4] = std::array::from_fn(|_| F::sample(&mut rng));
        Salt(f.map(|x| x.to_canonical_u64()))
    }

    pub(crate) fn field(&self) -> [F; 4] {
        self.0.map(F::from_canonical_u64)
    }
}

impl fmt::Display for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl FromStr for Salt {
    type Err = HexError;
    fn from_str(s: &str) -> Result<Salt, HexError> {
        from_hex(s, "a salt").map(Salt)
    }
}

/// An input commitment: Poseidon(quantised input ‖ salt), four field elements, among a
/// proof's public inputs. Written as 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Commitment(pub [u64; 4]);

impl Commitment {
    /// The commitment to the quantised `input` with `salt`, as the circuit computes it.
    pub fn of(input: &[i64], salt: &Salt) -> Commitment {
        let mut preimage: Vec<F> = input.iter().map(|&v| to_field(i128::from(v))).collect();
        preimage.extend(salt.field());
        let h = <PoseidonHash as Hasher<F>>::hash_no_pad(&preimage);
        Commitment(h.elements.map(|e| e.to_canonical_u64()))
    }
}

impl fmt::Display for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl FromStr for Commitment {
    type Err = HexError;
    fn from_str(s: &str) -> Result<Commitment, HexError> {
        from_hex(s, "an input commitment").map(Commitment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salts_and_commitments_read_back_what_they_write() {
        let salt = Salt::random();
        assert_eq!(salt.to_string().parse::<Salt>(), Ok(salt));
        let c = Commitment::of(&[1, -2, 3], &salt);
        assert_eq!(format!("  {c}\n").parse::<Commitment>(), Ok(c));
        assert_ne!(Commitment::of(&[1, -2, 3], &Salt::random()), c);
    }

    #[test]
    fn bad_text_is_refused_with_what_it_was() {
        assert_eq!("12".parse::<Salt>(), Err(HexError::Length { what: "a salt" }));
        assert_eq!("g".repeat(64).parse::<Salt>(), Err(HexError::Length { what: "a salt" }));
        assert_eq!("+".repeat(64).parse::<Commitment>(), Err(HexError::Length { what: "an input commitment" }));
        assert_eq!("f".repeat(64).parse::<Commitment>(), Err(HexError::OutOfField { what: "an input commitment" }));
        assert_eq!("é".repeat(32).parse::<Salt>(), Err(HexError::Length { what: "a salt" }));
    }
}
