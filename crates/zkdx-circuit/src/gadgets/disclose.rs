//! The disclosed result, proved from the private outputs so that the exact values never
//! become public inputs (the integer rules are [`zkdx_model::disclosure`]'s):
//!
//! - [`percentages`]: for logit gaps `d_j = max − x_j ≥ 0`, `t_j = min(step(d_j), 4095)`
//!   (a rescale with its range-checked remainder and a ReLU clamp), `e_j = E[t_j]` by
//!   [`table::select`] (no lookup argument), `S = Σ e_j`, and the hint `P_j ∈ [0, 128)` with
//!   `0 ≤ 200·e_j + S − 2·S·P_j < 2·S` range-checked: `P_j` is the nearest whole percent.
//! - [`pair_percentages`]: the same integers for two classes, where both percents are
//!   functions of the one nonzero gap's table index, proved by the run of indices it falls
//!   in (about 40 rows at 32 columns, against some 270 for two selections from a table of
//!   4,096 constants).
//! - [`rounded_scores`]: the hint `s` with `0 ≤ x + ⌊R/2⌋ − R·s ≤ R − 1` and `s` within the
//!   range the bounds allow: `s` is `x` rounded to a multiple of `R`.

use std::sync::OnceLock;

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::dense::mat_vec;
use super::range::{assert_between, assert_range};
use super::rescale::RescaleTargets;
use super::sigmoid::{clamp_to_table, step_of_256};
use super::table;
use super::Builder;
use crate::field::{to_field, F};
use crate::gates::mat_vec::MatVecGate;
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::disclosure::{exp_table, round_score, two_class_percents};
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

/// A run of table indices `[lo, hi]` over which a two-class percent is `percent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// The whole percent.
    pub percent: u32,
    /// The first and last table index that give it.
    pub lo: usize,
    /// See `lo`.
    pub hi: usize,
}

/// The runs of the larger class's percent (`[0]`) and of the smaller class's (`[1]`) over
/// the table indices, from [`two_class_percents`] (computed once).
pub fn pair_runs() -> &'static [Vec<Run>; 2] {
    static RUNS: OnceLock<[Vec<Run>; 2]> = OnceLock::new();
    RUNS.get_or_init(|| {
        let by_index = two_class_percents();
        let runs = |rank: usize| {
            let mut out: Vec<Run> = Vec::new();
            for (u, pair) in by_index.iter().enumerate() {
                let percent = if rank == 0 { pair.0 } else { pair.1 };
                match out.last_mut() {
                    Some(run) if run.percent == percent => run.hi = u,
                    _ => out.push(Run { percent, lo: u, hi: u }),
                }
            }
            out
        };
        [runs(0), runs(1)]
    })
}

/// The run of `runs` that holds table index `u`.
pub fn run_of(runs: &[Run], u: usize) -> Option<usize> {
    runs.iter().position(|r| r.lo <= u && u <= r.hi)
}

/// The targets of a two-class percentage.
#[derive(Debug, Clone)]
pub struct PairTargets {
    /// Each class's whole percent (public).
    pub percents: [Target; 2],
    /// Whether class 0's gap is zero (its logit the larger): 1 or 0 (see
    /// [`pair_percentages`] for why it needs no boolean check).
    pub first_larger: Target,
    /// The nonzero gap in steps of 1/256 and its remainder (absent at k = 8).
    pub step: Option<RescaleTargets>,
    /// Whether `4095 − t > 0` (absent where the bounds decide it).
    pub high: Option<BoolTarget>,
    /// One flag per run of [`pair_runs`]: the larger class's runs, then the smaller's.
    pub flags: [Vec<BoolTarget>; 2],
}

/// Two classes' whole percents from their logit gaps (each in `[0, 2^gap_bits)`, already
/// constrained by the caller; that one of them is zero is checked here): the same integers
/// as [`percentages`], in about 40 rows instead of two 4,096-entry table selections.
///
/// With `z` = class 0's gap is zero (`z·d_0 = 0`, `(1 − z)·d_1 = 0`, so at least one gap
/// is zero and `g = d_0 + d_1` is the other), `u = min(step(g), 4095)` is the smaller class's
/// table index and the larger's is 0, so each percent is a function of `u` alone,
/// constant over runs of `u` ([`pair_runs`]). A one-hot flag picks the run, whose bounds
/// `lo ≤ u ≤ hi` are range-checked and whose percent is the output:
/// `P_0 = s + z·(l − s)`, `P_1 = l + s − P_0`. `z` needs no boolean check: where `d_0 ≠ 0`
/// the first constraint makes it 0, where `d_1 ≠ 0` the second makes it 1, and where both
/// gaps are zero `u = 0`, whose two percents are both 50, so `z` changes nothing.
pub fn pair_percentages(
    b: &mut Builder,
    gate: MatVecGate,
    gaps: [Target; 2],
    gap_bits: u32,
    k: u32,
) -> Result<PairTargets, String> {
    if k < STEP_BITS {
        return Err("probabilities need at least 8 scale bits".into());
    }
    let [d0, d1] = gaps;
    let z = b.add_virtual_target();
    let zd0 = b.mul(z, d0);
    b.assert_zero(zd0);
    let zd1 = b.mul(z, d1);
    let rest = b.sub(d1, zd1);
    b.assert_zero(rest);
    let g = b.add(d0, d1);
    let (t, step, t_iv) = step_of_256(b, g, Interval { lo: 0, hi: (1i128 << gap_bits) - 1 }, k)?;
    let (u, high) = clamp_to_table(b, t, t_iv);
    let runs = pair_runs();
    let (larger, larger_flags) = select_run(b, gate, &runs[0], u);
    let (smaller, smaller_flags) = select_run(b, gate, &runs[1], u);
    let diff = b.sub(larger, smaller);
    let p0 = b.mul_add(z, diff, smaller);
    let sum = b.add(larger, smaller);
    let p1 = b.sub(sum, p0);
    Ok(PairTargets { percents: [p0, p1], first_larger: z, step, high, flags: [larger_flags, smaller_flags] })
}

/// The percent of the run of `runs` that holds table index `u` (in `[0, 4096)`): one-hot
/// flags (hints), `Σ f = 1`, and `lo ≤ u ≤ hi` for the flagged run.
fn select_run(b: &mut Builder, gate: MatVecGate, runs: &[Run], u: Target) -> (Target, Vec<BoolTarget>) {
    let flags: Vec<BoolTarget> = runs.iter().map(|_| b.add_virtual_bool_target_safe()).collect();
    let column = |f: fn(&Run) -> i64| runs.iter().map(f).collect::<Vec<i64>>();
    let (ones, percents) = (column(|_| 1), column(|r| i64::from(r.percent)));
    let (los, his) = (column(|r| r.lo as i64), column(|r| r.hi as i64));
    let xs: Vec<Target> = flags.iter().map(|f| f.target).collect();
    let out = mat_vec(b, gate, &[&ones, &percents, &los, &his], &xs, &[0; 4]);
    let one = b.one();
    b.connect(out[0], one);
    let above = b.sub(u, out[2]);
    assert_range(b, above, 0, INDEX_BITS);
    let below = b.sub(out[3], u);
    assert_range(b, below, 0, INDEX_BITS);
    (out[1], flags)
}

/// Bits of a table index (`TABLE_LEN` = 2^12).
const INDEX_BITS: u32 = 12;

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

    /// The hint values of a two-class percentage.
    struct PairHints {
        z: i128,
        q: i64,
        r: i64,
        high: bool,
        flags: [Vec<i128>; 2],
    }

    /// Two logits' gaps as private inputs, honest hints, then `edit` on the hints.
    fn pair(logits: [i64; 2], k: u32, edit: impl Fn(&mut PairHints)) -> Harness {
        let d = gaps(&logits);
        pair_of_gaps([d[0], d[1]], k, edit)
    }

    fn pair_of_gaps(d: [i64; 2], k: u32, edit: impl Fn(&mut PairHints)) -> Harness {
        let mut h = Harness::new();
        let gate = crate::config::mat_vec_gate(&h.b.config);
        let targets = d.map(|v| h.private(v.into()));
        let p = pair_percentages(&mut h.b, gate, targets, 24, k).unwrap_or_else(|e| unreachable!("{e}"));
        let g = d[0] + d[1];
        let (q, r) = sigmoid::step(g, k);
        let u = gap_index(g, k);
        let runs = pair_runs();
        let flags = [0, 1].map(|rank| {
            (0..runs[rank].len()).map(|j| i128::from(run_of(&runs[rank], u) == Some(j))).collect::<Vec<i128>>()
        });
        let mut v = PairHints { z: i128::from(d[0] == 0), q, r, high: q < 4095, flags };
        edit(&mut v);
        h.set(p.first_larger, v.z);
        if let Some(s) = p.step {
            h.set(s.q, v.q.into());
            h.set(s.r, v.r.into());
        }
        if let Some(t) = p.high {
            h.set(t.target, v.high.into());
        }
        for (fs, vs) in p.flags.iter().zip(&v.flags) {
            for (f, &x) in fs.iter().zip(vs) {
                h.set(f.target, x);
            }
        }
        h.public(p.percents[0]);
        h.public(p.percents[1]);
        h
    }

    /// The run of the smaller class's percent that table index `u` falls in.
    fn smaller_run(u: usize) -> usize {
        run_of(&pair_runs()[1], u).unwrap_or_else(|| unreachable!("every index has a run"))
    }

    #[test]
    fn pair_percentages_are_the_reference_for_either_order_ties_and_clamped_gaps() {
        let cases =
            [(0, 0), (131_072, -65_536), (-65_536, 131_072), (589_824, -589_824), (-7, 1 << 22), (40_000, 40_127)];
        for (a, b) in cases {
            for k in [16, 8] {
                let logits = if k == 16 { [a, b] } else { [a >> 8, b >> 8] };
                let out = accepts(pair(logits, k, |_| {}));
                let got: Vec<i128> = out.iter().map(|&f| to_signed(f)).collect();
                let want: Vec<i128> = reference(&logits, k).into_iter().map(i128::from).collect();
                assert_eq!(got, want, "{logits:?} at k = {k}");
            }
        }
    }

    #[test]
    fn the_runs_cover_every_table_index_once() {
        for runs in pair_runs() {
            assert_eq!(runs.first().map(|r| r.lo), Some(0));
            assert_eq!(runs.last().map(|r| r.hi), Some(sigmoid::TABLE_LEN - 1));
            assert!(runs.windows(2).all(|w| w[0].hi + 1 == w[1].lo && w[0].percent != w[1].percent));
        }
    }

    #[test]
    fn a_swapped_larger_class_is_rejected_either_way() {
        // d = (0, 3·2^16): z must be 1 (the second constraint); d = (3·2^16, 0): z must be 0
        // (the first)
        rejects(pair([131_072, -65_536], 16, |v| v.z = 0));
        rejects(pair([-65_536, 131_072], 16, |v| v.z = 1));
    }

    #[test]
    fn two_nonzero_gaps_are_rejected_whatever_z() {
        for z in [0, 1] {
            rejects(pair_of_gaps([256, 512], 16, |v| v.z = z));
        }
    }

    #[test]
    fn a_neighbouring_run_is_rejected_on_either_side() {
        // u = 400: a run in the middle of the smaller class's percents
        let logits = [400 * 256, 0];
        let j = smaller_run(400);
        let moved = |to: usize| {
            move |v: &mut PairHints| {
                v.flags[1][j] = 0;
                v.flags[1][to] = 1;
            }
        };
        rejects(pair(logits, 16, moved(j + 1)));
        rejects(pair(logits, 16, moved(j - 1)));
    }

    #[test]
    fn no_flag_or_two_flags_are_rejected() {
        // a tie: u = 0, so the empty selection's bounds (0, 0) would hold
        rejects(pair([0, 0], 16, |v| v.flags[0][0] = 0));
        rejects(pair([0, 0], 16, |v| v.flags[0][1] = 1));
    }

    #[test]
    fn non_boolean_flags_are_rejected() {
        // flags 2 and −1 on runs j and j − 1 select the bounds (2·lo_j − lo_{j−1},
        // 2·hi_j − hi_{j−1}) and the percent 2·p_j − p_{j−1}: where run j − 1 is shorter
        // than run j, u = hi_j stays inside those bounds, so only the flags' boolean checks
        // refuse it
        let runs = &pair_runs()[1];
        let len = |r: &Run| r.hi - r.lo + 1;
        let j = (1..runs.len())
            .find(|&j| len(&runs[j - 1]) < len(&runs[j]))
            .unwrap_or_else(|| unreachable!("the smaller class's runs grow away from 50%"));
        let u = runs[j].hi;
        rejects(pair([(u as i64) << 8, 0], 16, |v| {
            v.flags[1][j] = 2;
            v.flags[1][j - 1] = -1;
        }));
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
