//! ReLU: `y = max(x, 0)` with a sign hint `s ∈ {0, 1}`: `y = s·x` and `2y − x = |x|` range-
//! checked to `[0, 2^bits)`, so `s = 1` forces `x ≥ 0` and `s = 0` forces `x ≤ 0`.

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::range::assert_range;
use super::Builder;
use crate::field::F;

/// The output and the hint of one ReLU.
#[derive(Debug, Clone, Copy)]
pub struct ReluTargets {
    /// `max(x, 0)`.
    pub y: Target,
    /// Whether `x > 0` (the prover's hint).
    pub positive: BoolTarget,
}

/// ReLU of `x`, whose magnitude is below `2^bits`.
pub fn relu(b: &mut Builder, x: Target, bits: u32) -> ReluTargets {
    let positive = b.add_virtual_bool_target_safe();
    let y = b.mul(positive.target, x);
    let one = b.one();
    let magnitude = b.arithmetic(F::TWO, F::NEG_ONE, y, one, x);
    assert_range(b, magnitude, 0, bits);
    ReluTargets { y, positive }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::testing::{accepts, rejects, Harness};

    fn run(x: i128, positive: bool) -> Harness {
        let mut h = Harness::new();
        let xt = h.private(x);
        let t = relu(&mut h.b, xt, 20);
        h.set(t.positive.target, i128::from(positive));
        h.public(t.y);
        h
    }

    #[test]
    fn honest_relu_proves() {
        for x in [-5i128, 0, 7, (1 << 20) - 1, -(1 << 20) + 1] {
            let out = accepts(run(x, x > 0));
            assert_eq!(crate::field::to_signed(out[0]), x.max(0));
        }
        accepts(run(0, true));
    }

    #[test]
    fn negative_value_through_relu_is_rejected() {
        rejects(run(-5, true));
    }

    #[test]
    fn positive_value_zeroed_is_rejected() {
        rejects(run(7, false));
    }

    #[test]
    fn non_boolean_sign_is_rejected() {
        // s = (1/7 + 1)/2 makes y = s·7 = 4 and 2y − x = 1 ≥ 0: only s ∈ {0, 1} stops it
        let mut h = Harness::new();
        let xt = h.private(7);
        let t = relu(&mut h.b, xt, 20);
        let s = (F::from_canonical_u64(7).inverse() + F::ONE) * F::TWO.inverse();
        h.set_field(t.positive.target, s);
        h.public(t.y);
        rejects(h);
    }
}
