//! The field and hash configuration, and signed integers in the field.

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::{Field, Field64, PrimeField64};

/// Extension degree.
pub const D: usize = 2;
/// Proof configuration: Goldilocks with Poseidon (narrow rows in circuits; see [`crate::hash`]).
pub type C = crate::hash::ZkdxConfig;
/// The field (p = 2^64 − 2^32 + 1).
pub type F = GoldilocksField;

/// A signed integer (|v| < p/2) as a field element.
pub fn to_field(v: i128) -> F {
    if v >= 0 {
        F::from_noncanonical_u128(v as u128)
    } else {
        -F::from_noncanonical_u128(v.unsigned_abs())
    }
}

/// A field element read back as a signed integer in (−p/2, p/2).
pub fn to_signed(f: F) -> i128 {
    let v = f.to_canonical_u64();
    if v > F::ORDER / 2 {
        -i128::from(F::ORDER - v)
    } else {
        i128::from(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_round_trip() {
        for v in [0i128, 1, -1, 1 << 61, -(1 << 61), 123_456_789, -987_654_321] {
            assert_eq!(to_signed(to_field(v)), v);
        }
        assert_eq!(to_field(-1) + F::ONE, F::ZERO);
    }
}
