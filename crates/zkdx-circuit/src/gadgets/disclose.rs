//! The disclosed result, proved from the private outputs so that the exact values never
//! become public inputs (the integer rules are [`zkdx_model::disclosure`]'s):
//!
//! - [`percentages`]: for logit gaps `d_j = max − x_j ≥ 0`, `t_j = min(step(d_j), 4095)`
//!   (a rescale with its range-checked remainder and a ReLU clamp), `e_j = E[t_j]` by
//!   [`table::select`] (no lookup argument), `S = Σ e_j`, and the hint `P_j ∈ [0, 128)` with
//!   `0 ≤ 200·e_j + S − 2·S·P_j < 2·S` range-checked: `P_j` is the nearest whole percent.
//! - [`rounded_scores`]: the hint `s` with `0 ≤ x + ⌊R/2⌋ − R·s ≤ R − 1` and `s` within the
//!   range the bounds allow: `s` is `x` rounded to a multiple of `R`.

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::range::{assert_between, assert_range};
use super::rescale::RescaleTargets;
use super::sigmoid::{clamp_to_table, step_of_256};
use super::table;
use super::Builder;
use crate::field::{to_field, F};
use crate::gates::mat_vec::MatVecGate;
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::disclosure::{exp_table, round_score};
use zkdx_model::sigmoid::STEP_BITS;

/// The exponential table `E` as selection rows; compute it once per circuit.
pub fn exp_rows() -> Vec<Vec<i64>> {
    table::rows(&exp_table())
}

/// One class's percentage and its hints.
#[derive(Debug, Clone)]
pub struct PercentTargets {
    /// The whole percent (public).
    pub percent: Target,
    /// The gap in steps of 1/256 and its remainder (absent at k = 8).
    pub step: Option<RescaleTargets>,
    /// Whether `4095 − t > 0` (absent where the bounds decide it).
    pub high: Option<BoolTarget>,
    /// The table index's one-hot digits.
    pub one_hot: Vec<BoolTarget>,
}

/// Whole-percent probabilities from the logit `gaps` (each in `[0, 2^gap_bits)`, already
/// constrained by the caller) at scale `2^k`, with the table `rows` from [`exp_rows`].
pub fn percentages(
    b: &mut Builder,
    gate: MatVecGate,
    rows: &[Vec<i64>],
    gaps: &[Target],
    gap_bits: u32,
    k: u32,
) -> Result<Vec<PercentTargets>, String> {
    if k < STEP_BITS {
        return Err("probabilities need at least 8 scale bits".into());
    }
    let d_iv = Interval { lo: 0, hi: (1i128 << gap_bits) - 1 };
    let mut selected = Vec::with_capacity(gaps.len());
    for &d in gaps {
        let (t, step, t_iv) = step_of_256(b, d, d_iv, k)?;
        let (index, high) = clamp_to_table(b, t, t_iv);
        let (e, one_hot) = table::select(b, gate, rows, index)?;
        selected.push((e, step, high, one_hot));
    }
    let es: Vec<Target> = selected.iter().map(|s| s.0).collect();
    let total = b.add_many(&es);
    let window_bits = bits(2 * 65536 * gaps.len() as i128);
    let mut out = Vec::with_capacity(gaps.len());
    for (e, step, high, one_hot) in selected {
        let percent = b.add_virtual_target();
        assert_range(b, percent, 0, 7);
        // low = 200·e + S − 2·S·P, in [0, 2S)
        let two_s_p = b.arithmetic(F::TWO, F::ZERO, total, percent, total);
        let scaled = b.mul_const_add(F::from_canonical_u64(200), e, total);
        let low = b.sub(scaled, two_s_p);
        assert_range(b, low, 0, window_bits);
        let two_s = b.mul_const(F::TWO, total);
        let high_side = b.sub(two_s, low);
        let high_side = b.add_const(high_side, F::NEG_ONE);
        assert_range(b, high_side, 0, window_bits);
        out.push(PercentTargets { percent, step, high, one_hot });
    }
    Ok(out)
}

/// Each of `xs` (within `ivs`) rounded to a multiple of `steps` (≥ 1): the multiples (hints,
/// public).
pub fn rounded_scores(b: &mut Builder, xs: &[Target], ivs: &[Interval], steps: i64) -> Vec<Target> {
    let r = i128::from(steps.max(1));
    xs.iter()
        .zip(ivs)
        .map(|(&x, iv)| {
            let s = b.add_virtual_target();
            let shifted = b.add_const(x, to_field(r / 2));
            let rs = b.mul_const(to_field(r), s);
            let rem = b.sub(shifted, rs);
            assert_between(b, rem, 0, r - 1);
            let round = |v: i128| i128::from(round_score(v as i64, r as i64));
            assert_between(b, s, round(iv.lo), round(iv.hi));
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_signed;
    use crate::gadgets::table::one_hot;
    use crate::gadgets::testing::{accepts, rejects, Harness};
    use zkdx_model::disclosure::{gap_index, gaps, percentages as reference};
    use zkdx_model::sigmoid;

    const K: u32 = 16;

    /// Gaps of `logits` as private inputs, honest hints, then `edit` on the percents.
    fn run(logits: &[i64], edit: impl Fn(&mut Vec<F>)) -> Harness {
        let mut h = Harness::new();
        let gate = crate::config::mat_vec_gate(&h.b.config);
        let d = gaps(logits);
        let targets: Vec<Target> = d.iter().map(|&v| h.private(v.into())).collect();
        let p = percentages(&mut h.b, gate, &exp_rows(), &targets, 24, K).unwrap_or_else(|e| unreachable!("{e}"));
        let mut want: Vec<F> = reference(logits, K).into_iter().map(|p| to_field(p.into())).collect();
        edit(&mut want);
        for ((t, &dj), &pj) in p.iter().zip(&d).zip(&want) {
            let (q, r) = sigmoid::step(dj, K);
            if let Some(s) = t.step {
                h.set(s.q, q.into());
                h.set(s.r, r.into());
            }
            if let Some(g) = t.high {
                h.set(g.target, i128::from(4095 - q > 0));
            }
            for (f, v) in t.one_hot.iter().zip(one_hot(gap_index(dj, K))) {
                h.set(f.target, v.into());
            }
            h.set_field(t.percent, pj);
            h.public(t.percent);
        }
        h
    }

    #[test]
    fn fewer_than_eight_scale_bits_are_refused_and_eight_accepted() {
        let mut h = Harness::new();
        let gate = crate::config::mat_vec_gate(&h.b.config);
        let gap = h.private(0);
        let e = percentages(&mut h.b, gate, &exp_rows(), &[gap], 24, STEP_BITS - 1).err().unwrap_or_default();
        assert!(e.contains("at least 8 scale bits"), "{e}");
        assert!(percentages(&mut h.b, gate, &exp_rows(), &[gap], 24, STEP_BITS).is_ok());
    }

    #[test]
    fn honest_percentages_match_the_reference() {
        // three equal logits: S = 3·65536 and the rounding window 2S needs 19 bits (the
        // mutation run found a narrower window uncaught with smaller sums)
        let cases = [
            vec![0, 0],
            vec![131_072, -65_536],
            vec![-229_376, 13_107, 72_090],
            vec![589_824, -589_824],
            vec![0, 0, 0],
        ];
        for logits in cases {
            let out = accepts(run(&logits, |_| {}));
            let got: Vec<i128> = out.iter().map(|&f| to_signed(f)).collect();
            let want: Vec<i128> = reference(&logits, K).into_iter().map(i128::from).collect();
            assert_eq!(got, want, "{logits:?}");
        }
    }

    #[test]
    fn a_percent_off_by_one_is_rejected() {
        rejects(run(&[131_072, -65_536], |p| p[0] += F::ONE));
        rejects(run(&[131_072, -65_536], |p| p[1] -= F::ONE));
    }

    #[test]
    fn a_wrapped_percent_is_rejected() {
        // logits (0, 0): e = (2^16, 2^16), S = 2^17, P = 50 and 200·e + S − 2·S·P = 2^17.
        // P + 1/(2S) in the field moves that by −1 (still inside [0, 2S)): a huge P that
        // only the range check on P refuses
        let inverse = F::from_canonical_u64(1 << 18).inverse();
        rejects(run(&[0, 0], |p| p[0] += inverse));
        rejects(run(&[0, 0], |p| p[0] = F::from_canonical_u64(128)));
    }

    fn scores(x: i128, claimed: Option<i128>) -> Harness {
        scores_field(x, claimed.map(to_field))
    }

    fn scores_field(x: i128, claimed: Option<F>) -> Harness {
        let mut h = Harness::new();
        let t = h.private(x);
        let iv = Interval { lo: -(1 << 30), hi: 1 << 30 };
        let s = rounded_scores(&mut h.b, &[t], &[iv], 65_536);
        h.set_field(s[0], claimed.unwrap_or_else(|| to_field(round_score(x as i64, 65_536).into())));
        h.public(s[0]);
        h
    }

    #[test]
    fn a_wrapped_rounded_score_is_rejected() {
        // x = 1000: s = 0 with remainder 33,768; s + 1/R in the field moves the remainder to
        // 33,767, still in [0, R): a huge s that only the range check on s refuses
        rejects(scores_field(1000, Some(F::from_canonical_u64(65_536).inverse())));
    }

    #[test]
    fn rounded_scores_are_the_nearest_step() {
        for x in [0, 32_767, 32_768, -32_769, 10_000_000, -10_000_000] {
            let out = accepts(scores(x, None));
            assert_eq!(to_signed(out[0]), i128::from(round_score(x as i64, 65_536)), "{x}");
        }
        rejects(scores(32_768, Some(0)));
        rejects(scores(32_767, Some(1)));
    }
}
