//! Range checks: `x − lo ∈ [0, 2^bits)` by bit decomposition (plonky2's `range_check`).

use plonky2::iop::target::Target;

use super::Builder;
use crate::field::to_field;

/// Widest range check: 63 bits keeps every check below p (≈ 2^64).
pub const MAX_BITS: u32 = 63;

/// Constrain `x − lo ∈ [0, 2^bits)`.
pub fn assert_range(b: &mut Builder, x: Target, lo: i128, bits: u32) {
    let shifted = if lo == 0 { x } else { b.add_const(x, -to_field(lo)) };
    if bits == 0 {
        b.assert_zero(shifted);
    } else {
        b.range_check(shifted, bits.min(MAX_BITS) as usize);
    }
}

/// Constrain `lo ≤ x ≤ hi` exactly (two checks of `bits(hi − lo)` bits).
pub fn assert_between(b: &mut Builder, x: Target, lo: i128, hi: i128) {
    let bits = zkdx_model::bounds::bits(hi - lo);
    assert_range(b, x, lo, bits);
    let neg = b.neg(x);
    assert_range(b, neg, -hi, bits);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::testing::{accepts, rejects, Harness};

    fn between(v: i128) -> Harness {
        let mut h = Harness::new();
        let x = h.private(v);
        assert_between(&mut h.b, x, -5, 20);
        h
    }

    #[test]
    fn accepts_values_in_range() {
        for v in [-5, 0, 20] {
            accepts(between(v));
        }
    }

    #[test]
    fn rejects_values_out_of_range() {
        for v in [-6, 21, 1 << 40, -(1 << 40)] {
            rejects(between(v));
        }
    }
}
