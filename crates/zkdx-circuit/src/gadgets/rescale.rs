//! Rescale: bring an accumulator at scale 2^(2k) back to 2^k, rounding to nearest.
//!
//! Hints `q`, `r` with `acc + 2^(k−1) = q·2^k + r`, `0 ≤ r < 2^k` and `q − q_lo ∈ [0, 2^m)`.
//! With `m + k ≤ 63` the solution is unique: two solutions would give
//! `(q − q')·2^k = r' − r` with both sides smaller than p in magnitude.

use plonky2::field::types::Field;
use plonky2::iop::target::Target;

use super::range::{assert_range, MAX_BITS};
use super::Builder;
use crate::field::F;

/// The hints of one rescale.
#[derive(Debug, Clone, Copy)]
pub struct RescaleTargets {
    /// The rescaled value (the op's output).
    pub q: Target,
    /// The remainder.
    pub r: Target,
}

/// Constrain `shifted = q·2^k + r` (`shifted` already includes the rounding half) with `q`
/// in `[q_lo, q_lo + 2^q_bits)` and `r` in `[0, 2^k)`.
pub fn rescale(b: &mut Builder, shifted: Target, k: u32, q_lo: i128, q_bits: u32) -> Result<RescaleTargets, String> {
    if q_bits + k > MAX_BITS {
        return Err(format!("a rescale quotient of {q_bits} bits at scale 2^{k} would not be unique in the field"));
    }
    let q = b.add_virtual_target();
    let r = b.add_virtual_target();
    let recombined = b.mul_const_add(F::from_canonical_u64(1 << k), q, r);
    b.connect(shifted, recombined);
    assert_range(b, r, 0, k);
    assert_range(b, q, q_lo, q_bits);
    Ok(RescaleTargets { q, r })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_field;
    use crate::gadgets::testing::{accepts, rejects, Harness};
    use zkdx_model::fixed;

    const K: u32 = 8;

    fn run(acc: i128, q: i128, r: i128) -> Harness {
        let mut h = Harness::new();
        let a = h.private(acc + (1 << (K - 1)));
        let t = rescale(&mut h.b, a, K, -(1 << 20), 21).unwrap_or_else(|e| unreachable!("{e}"));
        h.set(t.q, q);
        h.set(t.r, r);
        h.public(t.q);
        h
    }

    #[test]
    fn honest_rescale_proves() {
        for acc in [0i128, 1000, -1000, 127, 128, -129, 65_000] {
            let (q, r) = fixed::rescale(acc, K);
            accepts(run(acc, q, r));
        }
    }

    #[test]
    fn wrong_quotient_is_rejected() {
        // q off by one with the remainder adjusted to keep the equation: r leaves [0, 2^k)
        let (q, r) = fixed::rescale(1000, K);
        rejects(run(1000, q + 1, r - (1 << K)));
        rejects(run(1000, q - 1, r + (1 << K)));
    }

    #[test]
    fn wrong_remainder_is_rejected() {
        let (q, r) = fixed::rescale(1000, K);
        rejects(run(1000, q, r + 1));
    }

    #[test]
    fn out_of_range_remainder_is_rejected() {
        // a field-wrapping solution: r negative (≡ p − x), q compensating exactly in the field
        let (q, r) = fixed::rescale(1000, K);
        let wrapped_r = r - (1 << K) * 3;
        rejects(run(1000, q + 3, wrapped_r));
        // q chosen so the equation holds modulo p with a small r but q far out of range
        let inv = F::from_canonical_u64(1 << K).inverse();
        let q_field = (to_field(1000 + (1 << (K - 1))) - to_field(r + 1)) * inv;
        let mut h = Harness::new();
        let a = h.private(1000 + (1 << (K - 1)));
        let t = rescale(&mut h.b, a, K, -(1 << 20), 21).unwrap_or_else(|e| unreachable!("{e}"));
        h.set_field(t.q, q_field);
        h.set(t.r, r + 1);
        rejects(h);
    }

    #[test]
    fn refuses_non_unique_widths() {
        let mut h = Harness::new();
        let a = h.private(0);
        assert!(rescale(&mut h.b, a, 16, 0, 48).is_err());
    }
}
