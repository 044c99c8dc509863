//! Sigmoid by table lookup (the table and the index rule are
//! [`zkdx_model::sigmoid`]'s): `t` = x in steps of 1/256 (a rescale with its range-checked
//! remainder), `i = clamp(t + 2048, 0, 4095)` by two ReLUs, `y = T[i]` by plonky2's lookup
//! argument, times `2^(k − min(k, 16))`.

use std::sync::Arc;

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::relu::relu;
use super::rescale::{rescale, RescaleTargets};
use super::Builder;
use crate::field::F;
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::sigmoid::{self, OFFSET, STEP_BITS, TABLE_LEN};

/// The sigmoid table as a plonky2 lookup table; add it once per circuit.
pub fn add_table(b: &mut Builder, k: u32) -> usize {
    let pairs: Vec<(u16, u16)> = sigmoid::table(k).into_iter().enumerate().map(|(i, v)| (i as u16, v)).collect();
    b.add_lookup_table_from_pairs(Arc::new(pairs))
}

/// The output and hints of one sigmoid.
#[derive(Debug, Clone, Copy)]
pub struct SigmoidTargets {
    /// σ(x) at scale 2^k.
    pub y: Target,
    /// x in steps of 1/256 and its remainder (absent at k = 8).
    pub step: Option<RescaleTargets>,
    /// Whether `t + 2048 > 0` (absent where the bounds decide it).
    pub low: Option<BoolTarget>,
    /// Whether `4095 − max(t + 2048, 0) > 0` (absent where the bounds decide it).
    pub high: Option<BoolTarget>,
}

/// Clamp-by-ReLU of a value with interval `iv`: the value, zero, or a ReLU with its hint.
fn relu_bounded(b: &mut Builder, x: Target, iv: Interval) -> (Target, Option<BoolTarget>) {
    if iv.lo >= 0 {
        (x, None)
    } else if iv.hi <= 0 {
        (b.zero(), None)
    } else {
        let t = relu(b, x, iv.magnitude_bits());
        (t.y, Some(t.positive))
    }
}

/// σ(x) for `x` at scale `2^k` within `x_iv`, using lookup table `lut` from [`add_table`].
pub fn sigmoid_gadget(
    b: &mut Builder,
    x: Target,
    x_iv: Interval,
    k: u32,
    lut: usize,
) -> Result<SigmoidTargets, String> {
    let shift = k.checked_sub(STEP_BITS).ok_or("the sigmoid needs at least 8 scale bits")?;
    let (t, step, t_iv) = if shift == 0 {
        (x, None, x_iv)
    } else {
        let half = F::from_canonical_u64(1 << (shift - 1));
        let shifted = b.add_const(x, half);
        let step_of = |v: i128| i128::from(sigmoid::step(v as i64, k).0);
        let t_iv = Interval { lo: step_of(x_iv.lo), hi: step_of(x_iv.hi) };
        let r = rescale(b, shifted, shift, t_iv.lo, bits(t_iv.hi - t_iv.lo))?;
        (r.q, Some(r), t_iv)
    };
    let offset = i128::from(OFFSET);
    let u = b.add_const(t, F::from_canonical_u64(OFFSET as u64));
    let u_iv = Interval { lo: t_iv.lo + offset, hi: t_iv.hi + offset };
    let (a, low) = relu_bounded(b, u, u_iv);
    let top = TABLE_LEN as i128 - 1;
    let a_iv = Interval { lo: u_iv.lo.max(0), hi: u_iv.hi.max(0) };
    let top_t = b.constant(F::from_canonical_u64(top as u64));
    let v = b.sub(top_t, a);
    let (m, high) = relu_bounded(b, v, Interval { lo: top - a_iv.hi, hi: top - a_iv.lo });
    let index = b.sub(top_t, m);
    let looked_up = b.add_lookup_from_index(index, lut);
    let extra = k - sigmoid::table_bits(k);
    let y = if extra == 0 { looked_up } else { b.mul_const(F::from_canonical_u64(1 << extra), looked_up) };
    Ok(SigmoidTargets { y, step, low, high })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_signed;
    use crate::gadgets::testing::{accepts, rejects, Harness};

    const K: u32 = 16;

    struct Hints {
        t: i128,
        r: i128,
        low: bool,
        high: bool,
    }

    fn honest(x: i64) -> Hints {
        let (t, r) = sigmoid::step(x, K);
        let u = t + OFFSET;
        let a = u.max(0);
        Hints { t: t.into(), r: r.into(), low: u > 0, high: 4095 - a > 0 }
    }

    fn run(x: i64, h: Hints, claimed: Option<i128>) -> Harness {
        let mut hs = Harness::new();
        let xt = hs.private(x.into());
        let lut = add_table(&mut hs.b, K);
        let iv = Interval { lo: -(40 << K), hi: 40 << K };
        let s = sigmoid_gadget(&mut hs.b, xt, iv, K, lut).unwrap_or_else(|e| unreachable!("{e}"));
        let step = s.step.unwrap_or_else(|| unreachable!());
        hs.set(step.q, h.t);
        hs.set(step.r, h.r);
        if let Some(l) = s.low {
            hs.set(l.target, h.low.into());
        }
        if let Some(g) = s.high {
            hs.set(g.target, h.high.into());
        }
        if let Some(c) = claimed {
            let out = hs.private(c);
            hs.b.connect(out, s.y);
        }
        hs.public(s.y);
        hs
    }

    #[test]
    fn honest_sigmoid_matches_the_reference() {
        let table = sigmoid::table(K);
        for x in [-30.0f64, -8.0, -1.25, 0.0, 0.7, 7.999, 12.0] {
            let q = (x * 65536.0).round() as i64;
            let out = accepts(run(q, honest(q), None));
            assert_eq!(to_signed(out[0]), i128::from(sigmoid::sigmoid(q, K, &table)), "σ({x})");
        }
    }

    #[test]
    fn wrong_step_is_rejected() {
        let q = 81_920; // 1.25
        let h = honest(q);
        rejects(run(q, Hints { t: h.t + 1, r: h.r - 256, ..h }, None));
    }

    #[test]
    fn wrong_clamp_is_rejected() {
        let q = -20 << K; // below the table: the low clamp must be taken
        rejects(run(q, Hints { low: true, ..honest(q) }, None));
        let q = 20 << K; // above the table: the high clamp must be taken
        rejects(run(q, Hints { high: true, ..honest(q) }, None));
    }

    #[test]
    fn wrong_output_is_rejected() {
        let table = sigmoid::table(K);
        let q = 45_000;
        rejects(run(q, honest(q), Some(i128::from(sigmoid::sigmoid(q, K, &table)) + 1)));
    }
}
