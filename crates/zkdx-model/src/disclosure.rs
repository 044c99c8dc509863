//! What a proof discloses of the result, and the integer rules the circuit proves for it.
//!
//! - [`Disclosure::Label`]: the class only.
//! - [`Disclosure::Coarse`] (the default): the class and each class's probability in whole
//!   percent; for a score, the score rounded to the card's resolution.
//! - [`Disclosure::Exact`]: the raw outputs (logits or scores at `2^-k`), as before.
//!
//! Whole percents, bit for bit as the circuit computes them, from the integer outputs:
//! with `m` the largest logit (for a sigmoid head the logits are `(0, z)`),
//! `d_j = m − x_j ≥ 0`, `t_j = min(step(d_j), 4095)` (steps of 1/256, rounded, as the sigmoid's),
//! `e_j = E[t_j]` with `E[i] = round(2^16 · e^(−i/256))`, `S = Σ e_j`, and
//! `P_j = ⌊(200·e_j + S) / (2·S)⌋` (nearest percent, halves up). The percents need not sum
//! to 100. A rounded score is `⌊(x + ⌊R/2⌋) / R⌋` steps of the resolution `R = round(r·2^k)`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ir::Head;
use crate::sigmoid::{self, TABLE_LEN};

/// How much of the result a proof makes public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disclosure {
    /// The class only (classifiers).
    Label,
    /// The class and whole-percent probabilities, or a score rounded to the card's resolution.
    #[default]
    Coarse,
    /// The exact outputs (logits or scores).
    Exact,
}

impl Disclosure {
    /// Every choice, least disclosed first.
    pub const ALL: [Disclosure; 3] = [Disclosure::Label, Disclosure::Coarse, Disclosure::Exact];

    /// Its name in bundles and on the command line.
    pub fn as_str(&self) -> &'static str {
        match self {
            Disclosure::Label => "label",
            Disclosure::Coarse => "coarse",
            Disclosure::Exact => "exact",
        }
    }

    /// One sentence for a patient choosing it.
    pub fn explain(&self) -> &'static str {
        match self {
            Disclosure::Label => "Only the result's class is shared (for example \"benign\"); no probabilities, no scores.",
            Disclosure::Coarse => {
                "The class and its probabilities rounded to whole percent (a score rounded to the model's stated resolution) are shared."
            }
            Disclosure::Exact => {
                "The model's exact outputs are shared: two proofs of the same record can be linked by them, and they narrow down your values."
            }
        }
    }
}

impl fmt::Display for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Disclosure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Disclosure::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| format!("unknown disclosure `{s}`: choose label, coarse or exact"))
    }
}

/// The disclosures a model with this head can make: a score has no label to disclose (no
/// score bands yet); decision scores (margins) have no probabilities to round, so their
/// classifier discloses the label or the exact scores.
pub fn available(head: Head) -> Vec<Disclosure> {
    match head {
        Head::Identity => vec![Disclosure::Coarse, Disclosure::Exact],
        Head::Margins => vec![Disclosure::Label, Disclosure::Exact],
        Head::Softmax | Head::Sigmoid | Head::Probabilities => Disclosure::ALL.to_vec(),
    }
}

/// What a proof of a model with this head discloses unless the patient chooses: coarse
/// where the model has it ([`Disclosure::default`]), else the least that is available (the
/// label, for decision scores).
pub fn default_for(head: Head) -> Disclosure {
    let available = available(head);
    if available.contains(&Disclosure::default()) {
        Disclosure::default()
    } else {
        available.first().copied().unwrap_or_default()
    }
}

/// `E[i] = round(2^16 · e^(−i/256))` for `i < 4096`, with basic arithmetic only (the same
/// on every IEEE machine).
pub fn exp_table() -> Vec<i64> {
    (0..TABLE_LEN as i64).map(|i| (sigmoid::exp(-(i as f64) / 256.0) * 65536.0).round() as i64).collect()
}

/// The table index of a non-negative logit gap `d` at scale `2^k`.
pub fn gap_index(d: i64, k: u32) -> usize {
    sigmoid::step(d, k).0.clamp(0, TABLE_LEN as i64 - 1) as usize
}

/// The logits whose softmax the probabilities are: the outputs, or `(0, z)` for a sigmoid
/// head; `None` for a regression and for outputs that are probabilities already (whose
/// whole percents are the outputs rounded, see [`crate::model::Model::score_resolution`]).
pub fn logits(head: Head, outputs: &[i64]) -> Option<Vec<i64>> {
    match head {
        Head::Identity | Head::Probabilities | Head::Margins => None,
        Head::Softmax => Some(outputs.to_vec()),
        Head::Sigmoid => Some(vec![0, outputs.first().copied().unwrap_or(0)]),
    }
}

/// The gaps `d_j = max − x_j` of `logits`.
pub fn gaps(logits: &[i64]) -> Vec<i64> {
    let max = logits.iter().copied().max().unwrap_or(0);
    logits.iter().map(|&x| max - x).collect()
}

/// Whole-percent probabilities of integer `logits` at scale `2^k` (see the module docs).
pub fn percentages(logits: &[i64], k: u32) -> Vec<u32> {
    let table = exp_table();
    let e: Vec<i64> = gaps(logits).iter().map(|&d| table[gap_index(d, k)]).collect();
    let s: i64 = e.iter().sum();
    e.iter().map(|&ej| ((200 * ej + s) / (2 * s)) as u32).collect()
}

/// For two classes, the whole percents [`percentages`] gives the larger and the smaller
/// logit, indexed by their gap's table index `u` ([`gap_index`]; the larger logit's gap is
/// 0, index 0): `(larger, smaller)` for each `u` in `[0, 4096)`. The smaller class's
/// percent falls and the larger's rises as `u` grows (the table falls), which is what lets
/// a circuit prove them from `u` by intervals instead of a table of 4,096 values.
pub fn two_class_percents() -> Vec<(u32, u32)> {
    let table = exp_table();
    let top = table[0];
    table
        .iter()
        .map(|&e| {
            let s = top + e;
            let percent = |x: i64| ((200 * x + s) / (2 * s)) as u32;
            (percent(top), percent(e))
        })
        .collect()
}

/// The resolution `r` (in output units) as an integer number of `2^-k` steps, at least 1.
pub fn resolution_steps(resolution: f64, k: u32) -> i64 {
    ((resolution * f64::from(1u32 << k)).round() as i64).max(1)
}

/// A score `x` rounded to the nearest multiple of `r` steps, as that multiple.
pub fn round_score(x: i64, r: i64) -> i64 {
    (x + r / 2).div_euclid(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_coarse_is_the_default() {
        for d in Disclosure::ALL {
            assert_eq!(d.as_str().parse::<Disclosure>(), Ok(d));
        }
        assert_eq!(Disclosure::default(), Disclosure::Coarse);
        assert!("rough".parse::<Disclosure>().is_err());
        assert_eq!(default_for(Head::Identity), Disclosure::Coarse);
        assert_eq!(default_for(Head::Softmax), Disclosure::Coarse);
        assert_eq!(default_for(Head::Margins), Disclosure::Label, "margins have no probabilities to round");
    }

    #[test]
    fn percentages_track_the_softmax() {
        let k = 16;
        for logits in [vec![0.0, 0.0], vec![2.0, -1.0], vec![-3.5, 0.2, 1.1], vec![9.0, -9.0], vec![0.0, 0.01]] {
            let q: Vec<i64> = logits.iter().map(|&x: &f64| (x * 65536.0).round() as i64).collect();
            let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = logits.iter().map(|x| (x - max).exp()).sum();
            for (x, p) in logits.iter().zip(percentages(&q, k)) {
                let want = 100.0 * (x - max).exp() / sum;
                assert!((f64::from(p) - want).abs() <= 0.6, "{logits:?}: {p} vs {want}");
            }
        }
        assert_eq!(percentages(&[0, 0], 16), [50, 50]);
    }

    #[test]
    fn two_class_percents_are_the_percentages_by_gap_and_monotone() {
        let by_gap = two_class_percents();
        assert_eq!(by_gap.len(), TABLE_LEN);
        let k = 16;
        for (a, b) in [(0, 0), (1, 0), (131_072, -65_536), (-5, 700_000), (9 << 20, -(9 << 20)), (40_000, 40_127)] {
            let want = percentages(&[a, b], k);
            let (larger, smaller) = by_gap[gap_index((a - b).abs(), k)];
            let got = if a >= b { [larger, smaller] } else { [smaller, larger] };
            assert_eq!(want, got, "logits ({a}, {b})");
        }
        assert!(by_gap.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 >= w[1].1));
        assert_eq!(by_gap[0], (50, 50));
    }

    #[test]
    fn scores_round_to_the_nearest_step() {
        assert_eq!(round_score(0, 65536), 0);
        assert_eq!(round_score(32767, 65536), 0);
        assert_eq!(round_score(32768, 65536), 1);
        assert_eq!(round_score(-32769, 65536), -1);
        assert_eq!(round_score(-32768, 65536), 0);
        assert_eq!(resolution_steps(1.0, 16), 65536);
        assert_eq!(resolution_steps(0.0, 16), 1);
    }
}
