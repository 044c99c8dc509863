//! Sigmoid by a table held in the circuit's constants (the table and the index rule are
//! [`zkdx_model::sigmoid`]'s): `t` = x in steps of 1/256 (a rescale with its range-checked
//! remainder), `i = clamp(t + 2048, 0, 4095)` by two ReLUs, `y = T[i]` by
//! [`table::select`] (one-hot digits, no lookup argument), times `2^(k − min(k, 16))`.

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::relu::relu;
use super::rescale::{rescale, RescaleTargets};
use super::table;
use super::Builder;
use crate::field::F;
use crate::gates::mat_vec::MatVecGate;
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::sigmoid::{self, OFFSET, STEP_BITS, TABLE_LEN};

/// The sigmoid table for scale `2^k` as selection rows ([`table::rows`]); compute it once
/// per circuit.
pub fn table_rows(k: u32) -> Vec<Vec<i64>> {
    let values: Vec<i64> = sigmoid::table(k).into_iter().map(i64::from).collect();
    table::rows(&values)
}

/// The output and hints of one sigmoid.
#[derive(Debug, Clone)]
pub struct SigmoidTargets {
    /// σ(x) at scale 2^k.
    pub y: Target,
    /// x in steps of 1/256 and its remainder (absent at k = 8).
    pub step: Option<RescaleTargets>,
    /// Whether `t + 2048 > 0` (absent where the bounds decide it).
    pub low: Option<BoolTarget>,
    /// Whether `4095 − max(t + 2048, 0) > 0` (absent where the bounds decide it).
    pub high: Option<BoolTarget>,
    /// The table index's digits as one-hot flags, in [`table::one_hot`]'s order.
    pub one_hot: Vec<BoolTarget>,
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

/// `x` (at scale `2^k ≥ 2^8`, within `x_iv`) in steps of 1/256, rounded as
/// [`sigmoid::step`]: a rescale with its range-checked remainder (none at k = 8). Returns the
/// step, the rescale's targets and the step's interval.
pub(crate) fn step_of_256(
    b: &mut Builder,
    x: Target,
    x_iv: Interval,
    k: u32,
) -> Result<(Target, Option<RescaleTargets>, Interval), String> {
    let shift = k.checked_sub(STEP_BITS).ok_or("a 1/256 step needs at least 8 scale bits")?;
    if shift == 0 {
        return Ok((x, None, x_iv));
    }
    let shifted = b.add_const(x, F::from_canonical_u64(1 << (shift - 1)));
    let step_of = |v: i128| i128::from(sigmoid::step(v as i64, k).0);
    let t_iv = Interval { lo: step_of(x_iv.lo), hi: step_of(x_iv.hi) };
    let r = rescale(b, shifted, shift, t_iv.lo, bits(t_iv.hi - t_iv.lo))?;
    Ok((r.q, Some(r), t_iv))
}

/// `min(a, 4095)` for `a ≥ 0` within `a_iv`, as `4095 − ReLU(4095 − a)`: a table index, and
/// the ReLU's hint (absent where the bounds decide it).
pub(crate) fn clamp_to_table(b: &mut Builder, a: Target, a_iv: Interval) -> (Target, Option<BoolTarget>) {
    let top = TABLE_LEN as i128 - 1;
    let top_t = b.constant(F::from_canonical_u64(top as u64));
    let v = b.sub(top_t, a);
    let (m, high) = relu_bounded(b, v, Interval { lo: top - a_iv.hi, hi: top - a_iv.lo });
    (b.sub(top_t, m), high)
}

/// σ(x) for `x` at scale `2^k` within `x_iv`, with the table `rows` from [`table_rows`] in
/// `gate`'s mat-vec rows.
pub fn sigmoid_gadget(
    b: &mut Builder,
    x: Target,
    x_iv: Interval,
    k: u32,
    gate: MatVecGate,
    rows: &[Vec<i64>],
) -> Result<SigmoidTargets, String> {
    if k < STEP_BITS {
        return Err("the sigmoid needs at least 8 scale bits".into());
    }
    let (t, step, t_iv) = step_of_256(b, x, x_iv, k)?;
    let offset = i128::from(OFFSET);
    let u = b.add_const(t, F::from_canonical_u64(OFFSET as u64));
    let u_iv = Interval { lo: t_iv.lo + offset, hi: t_iv.hi + offset };
    let (a, low) = relu_bounded(b, u, u_iv);
    let a_iv = Interval { lo: u_iv.lo.max(0), hi: u_iv.hi.max(0) };
    let (index, high) = clamp_to_table(b, a, a_iv);
    let (selected, one_hot) = table::select(b, gate, rows, index)?;
    let extra = k - sigmoid::table_bits(k);
    let y = if extra == 0 { selected } else { b.mul_const(F::from_canonical_u64(1 << extra), selected) };
    Ok(SigmoidTargets { y, step, low, high, one_hot })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_signed;
    use crate::gadgets::table::{one_hot, BASE};
    use crate::gadgets::testing::{accepts, rejects, Harness};

    const K: u32 = 16;

    struct Hints {
        t: i128,
        r: i128,
        low: bool,
        high: bool,
        /// The index digits' flags (booleans for an honest prover).
        one_hot: [i128; 2 * BASE],
    }

    fn flags(index: usize) -> [i128; 2 * BASE] {
        one_hot(index).map(i128::from)
    }

    fn honest(x: i64) -> Hints {
        honest_at(x, K)
    }

    fn honest_at(x: i64, k: u32) -> Hints {
        let (t, r) = sigmoid::step(x, k);
        let u = t + OFFSET;
        let a = u.max(0);
        Hints { t: t.into(), r: r.into(), low: u > 0, high: 4095 - a > 0, one_hot: flags(sigmoid::index(t)) }
    }

    fn run(x: i64, h: Hints, claimed: Option<i128>) -> Harness {
        run_at(x, h, claimed, K, Interval { lo: -(40 << K), hi: 40 << K })
    }

    /// [`run`] at scale `2^k` with the input interval `iv`.
    fn run_at(x: i64, h: Hints, claimed: Option<i128>, k: u32, iv: Interval) -> Harness {
        let mut hs = Harness::new();
        let xt = hs.private(x.into());
        let gate = crate::config::mat_vec_gate(&hs.b.config);
        let s = sigmoid_gadget(&mut hs.b, xt, iv, k, gate, &table_rows(k)).unwrap_or_else(|e| unreachable!("{e}"));
        let step = s.step.unwrap_or_else(|| unreachable!());
        hs.set(step.q, h.t);
        hs.set(step.r, h.r);
        if let Some(l) = s.low {
            hs.set(l.target, h.low.into());
        }
        if let Some(g) = s.high {
            hs.set(g.target, h.high.into());
        }
        for (f, &v) in s.one_hot.iter().zip(&h.one_hot) {
            hs.set(f.target, v);
        }
        if let Some(c) = claimed {
            let out = hs.private(c);
            hs.b.connect(out, s.y);
        }
        hs.public(s.y);
        hs
    }

    #[test]
    fn fewer_than_eight_scale_bits_are_refused_and_eight_accepted() {
        let mut hs = Harness::new();
        let x = hs.private(0);
        let gate = crate::config::mat_vec_gate(&hs.b.config);
        let iv = Interval { lo: -1, hi: 1 };
        let e = sigmoid_gadget(&mut hs.b, x, iv, STEP_BITS - 1, gate, &table_rows(K)).err().unwrap_or_default();
        assert!(e.contains("at least 8 scale bits"), "{e}");
        assert!(sigmoid_gadget(&mut hs.b, x, iv, STEP_BITS, gate, &table_rows(STEP_BITS)).is_ok());
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

    /// The interval bookkeeping decides which clamps need a hint; a narrow input interval and
    /// a scale above the table's precision take the paths the wide default does not (the
    /// mutation run found their arithmetic untested).
    #[test]
    fn honest_sigmoid_matches_the_reference_on_narrow_intervals_and_other_scales() {
        let cases = [
            (16u32, -7.9f64, -0.1f64, -1.0f64),
            (16, 0.1, 7.9, 2.5),
            // intervals that straddle a clamp's edge, where the bounds decide one clamp only
            (16, -11.7, 3.9, 0.0),
            (16, 0.1, 11.7, 2.5),
            (16, -11.7, -0.1, -1.0),
            (20, -40.0, 40.0, 1.5),
            (20, -3.0, 3.0, -0.75),
        ];
        for (k, lo, hi, x) in cases {
            let q = |v: f64| (v * f64::from(1u32 << k)).round() as i64;
            let iv = Interval { lo: q(lo).into(), hi: q(hi).into() };
            let out = accepts(run_at(q(x), honest_at(q(x), k), None, k, iv));
            let want = sigmoid::sigmoid(q(x), k, &sigmoid::table(k));
            assert_eq!(to_signed(out[0]), i128::from(want), "σ({x}) at 2^{k} within [{lo}, {hi}]");
        }
    }

    #[test]
    fn wrong_step_is_rejected() {
        let q = 81_920; // 1.25
        let h = honest(q);
        rejects(run(q, Hints { t: h.t + 1, r: h.r - 256, one_hot: flags(sigmoid::index(h.t as i64 + 1)), ..h }, None));
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

    #[test]
    fn wrong_digit_selection_is_rejected() {
        let q = 45_000;
        let index = sigmoid::index(sigmoid::step(q, K).0);
        // another entry's digits (a different table value)
        rejects(run(q, Hints { one_hot: flags(index + 70), ..honest(q) }, None));
        // two flags in the low digit: Σ ≠ 1
        let mut two = flags(index);
        two[BASE + (index + 1) % BASE] = 1;
        rejects(run(q, Hints { one_hot: two, ..honest(q) }, None));
        // no flag in the high digit
        let mut none = flags(index);
        none[index / BASE] = 0;
        rejects(run(q, Hints { one_hot: none, ..honest(q) }, None));
    }

    #[test]
    fn non_boolean_flags_are_rejected() {
        // a = (2, −1) at high digits hi+1, hi+2: Σ = 1 and 2·(hi+1) − (hi+2) = hi, so the
        // count and the position still hold; the selected value does not, and only
        // booleanity refuses
        let q = 45_000;
        let index = sigmoid::index(sigmoid::step(q, K).0);
        let (hi, lo) = (index / BASE, index % BASE);
        let mut mixed = [0i128; 2 * BASE];
        mixed[hi + 1] = 2;
        mixed[hi + 2] = -1;
        mixed[BASE + lo] = 1;
        rejects(run(q, Hints { one_hot: mixed, ..honest(q) }, None));
    }

    #[test]
    fn the_circuit_has_no_lookup_and_the_proof_no_lookup_openings() {
        // The auditor's attack recomputed `openings.lookup_zs` for every candidate index and
        // found the one that matched. With no lookup table there is nothing to recompute:
        // every value of the gadget sits in ordinary, blinded wire columns.
        use plonky2::iop::witness::{PartialWitness, WitnessWrite};
        let q = 45_000i64;
        let h = honest(q);
        let mut b = Builder::new(crate::config::for_model(0));
        let x = b.add_virtual_target();
        let gate = crate::config::mat_vec_gate(&b.config);
        let iv = Interval { lo: -(40 << K), hi: 40 << K };
        let s = sigmoid_gadget(&mut b, x, iv, K, gate, &table_rows(K)).unwrap_or_else(|e| unreachable!("{e}"));
        let data = b.build::<crate::field::C>();
        assert!(data.common.luts.is_empty(), "the circuit uses a lookup table");
        assert_eq!(data.common.num_lookup_polys, 0);
        let mut pw = PartialWitness::new();
        let step = s.step.unwrap_or_else(|| unreachable!());
        let mut values = vec![(x, q.into()), (step.q, h.t), (step.r, h.r)];
        values.extend(s.low.iter().chain(&s.high).map(|f| (f.target, 1)));
        values.extend(s.one_hot.iter().zip(h.one_hot).map(|(f, v)| (f.target, v)));
        for (t, v) in values {
            pw.set_target(t, crate::field::to_field(v)).unwrap_or_else(|e| unreachable!("{e}"));
        }
        let proof = data.prove(pw).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(proof.proof.openings.lookup_zs.is_empty() && proof.proof.openings.lookup_zs_next.is_empty());
        data.verify(proof).unwrap_or_else(|e| unreachable!("{e}"));
    }
}
