//! The prover's hints and how each is read off the reference integer run.

use plonky2::field::types::Field;
use plonky2::iop::target::Target;

use crate::field::{to_field, F};
use zkdx_model::infer::{argmax, Trace};
use zkdx_model::ir::Head;
use zkdx_model::{disclosure, sigmoid};

/// What a hint target holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Quantised input value `i`.
    Input(usize),
    /// Salt element `j`.
    Salt(usize),
    /// Element `j` of the freshness challenge (zero without one).
    Challenge(usize),
    /// Rescale quotient of output `i` of op `op` (= the op's output).
    Quotient {
        /// Op index.
        op: usize,
        /// Output index.
        i: usize,
    },
    /// Rescale remainder of output `i` of op `op`.
    Remainder {
        /// Op index.
        op: usize,
        /// Output index.
        i: usize,
    },
    /// Whether ReLU input `i` of op `op` is positive.
    ReluSign {
        /// Op index.
        op: usize,
        /// Element index.
        i: usize,
    },
    /// Max-pool output `i` of op `op`.
    PoolMax {
        /// Op index.
        op: usize,
        /// Output index.
        i: usize,
    },
    /// Sigmoid input `i` of op `op` in steps of 1/256.
    SigmoidStep {
        /// Op index.
        op: usize,
        /// Element index.
        i: usize,
    },
    /// The remainder of that step.
    SigmoidStepRemainder {
        /// Op index.
        op: usize,
        /// Element index.
        i: usize,
    },
    /// Whether the step plus 2048 is positive (the low clamp is not taken).
    SigmoidLow {
        /// Op index.
        op: usize,
        /// Element index.
        i: usize,
    },
    /// Whether 4095 minus the low-clamped index is positive (the high clamp is not taken).
    SigmoidHigh {
        /// Op index.
        op: usize,
        /// Element index.
        i: usize,
    },
    /// Flag `j` of the one-hot digits of sigmoid input `i`'s table index (see
    /// [`crate::gadgets::table::one_hot`]).
    SigmoidDigit {
        /// Op index.
        op: usize,
        /// Element index.
        i: usize,
        /// Flag index.
        j: usize,
    },
    /// The whole percent of class `c` (coarse disclosure of three or more classes; two use
    /// the `Pair` hints).
    Percent(usize),
    /// Class `c`'s logit gap in steps of 1/256.
    PercentStep(usize),
    /// The remainder of that step.
    PercentStepRemainder(usize),
    /// Whether 4095 minus that step is positive (the clamp is not taken).
    PercentHigh(usize),
    /// Flag `j` of the one-hot digits of class `class`'s table index.
    PercentDigit {
        /// Class index.
        class: usize,
        /// Flag index.
        j: usize,
    },
    /// Two classes (coarse disclosure): whether class 0's logit gap is zero.
    PairFirstLarger,
    /// Two classes: the nonzero gap in steps of 1/256.
    PairStep,
    /// The remainder of that step.
    PairStepRemainder,
    /// Whether 4095 minus that step is positive (the clamp is not taken).
    PairHigh,
    /// Two classes: flag `j` of the runs of the larger class's percent (`rank` 0) or the
    /// smaller's (`rank` 1) (see [`crate::gadgets::disclose::pair_runs`]).
    PairFlag {
        /// 0: the larger class, 1: the smaller.
        rank: usize,
        /// Run index.
        j: usize,
    },
    /// Output `i` in steps of the resolution (coarse disclosure of a score).
    RoundedScore(usize),
    /// Argmax one-hot element `j`.
    OneHot(usize),
    /// Whether the sigmoid head's logit is ≥ 0.
    SigmoidSign,
    /// Whether input `feature` of op `op` (a tree ensemble) is at most `threshold`.
    TreeBranch {
        /// Op index.
        op: usize,
        /// The input compared.
        feature: usize,
        /// The quantised threshold.
        threshold: i64,
    },
    /// Value `i` of activation `act` (the input first, then each op's output), carried into
    /// a segment across a cut ([`crate::segment`]).
    Live {
        /// Activation index.
        act: usize,
        /// Element index.
        i: usize,
    },
    /// Element `j` of the salt of the commitment at cut `cut` ([`crate::segment`]).
    CutSalt {
        /// Cut index.
        cut: usize,
        /// Salt element.
        j: usize,
    },
}

/// The values every hint takes for one input.
pub struct Assignment<'a> {
    /// The reference run.
    pub trace: &'a Trace,
    /// The salt.
    pub salt: [F; 4],
    /// The salts of a segmented proof's cut commitments, by cut (empty for one circuit).
    pub cut_salts: &'a [[F; 4]],
    /// The freshness challenge's public-input values (zeros without one).
    pub challenge: [F; crate::public::CHALLENGE_LEN],
    /// Scale bits.
    pub k: u32,
    /// The model's head.
    pub head: Head,
    /// The resolution of a coarsely disclosed score, in steps of `2^-k`.
    pub resolution_steps: i64,
}

impl Assignment<'_> {
    /// The honest value of a hint.
    pub fn value(&self, hint: Hint) -> F {
        let t = self.trace;
        match hint {
            Hint::Input(i) => to_field(i128::from(t.activations[0][i])),
            Hint::Salt(j) => self.salt[j],
            Hint::Challenge(j) => self.challenge[j],
            Hint::Quotient { op, i } | Hint::PoolMax { op, i } => to_field(i128::from(t.activations[op + 1][i])),
            Hint::Remainder { op, i } => {
                let half = 1i128 << (self.k - 1);
                let q = i128::from(t.activations[op + 1][i]);
                to_field(t.accumulators[op][i] + half - (q << self.k))
            }
            Hint::ReluSign { op, i } => F::from_bool(t.activations[op][i] > 0),
            Hint::SigmoidStep { op, i } => to_field(sigmoid::step(t.activations[op][i], self.k).0.into()),
            Hint::SigmoidStepRemainder { op, i } => to_field(sigmoid::step(t.activations[op][i], self.k).1.into()),
            Hint::SigmoidLow { op, i } => {
                F::from_bool(sigmoid::step(t.activations[op][i], self.k).0 + sigmoid::OFFSET > 0)
            }
            Hint::SigmoidHigh { op, i } => {
                let u = (sigmoid::step(t.activations[op][i], self.k).0 + sigmoid::OFFSET).max(0);
                F::from_bool(sigmoid::TABLE_LEN as i64 - 1 - u > 0)
            }
            Hint::SigmoidDigit { op, i, j } => {
                let index = sigmoid::index(sigmoid::step(t.activations[op][i], self.k).0);
                F::from_bool(crate::gadgets::table::one_hot(index)[j])
            }
            Hint::Percent(c) => {
                F::from_canonical_u32(disclosure::percentages(&self.logits(), self.k).get(c).copied().unwrap_or(0))
            }
            Hint::PercentStep(c) => to_field(sigmoid::step(self.gap(c), self.k).0.into()),
            Hint::PercentStepRemainder(c) => to_field(sigmoid::step(self.gap(c), self.k).1.into()),
            Hint::PercentHigh(c) => F::from_bool(sigmoid::step(self.gap(c), self.k).0 < sigmoid::TABLE_LEN as i64 - 1),
            Hint::PercentDigit { class, j } => {
                F::from_bool(crate::gadgets::table::one_hot(disclosure::gap_index(self.gap(class), self.k))[j])
            }
            Hint::PairFirstLarger => F::from_bool(self.gap(0) == 0),
            Hint::PairStep => to_field(sigmoid::step(self.pair_gap(), self.k).0.into()),
            Hint::PairStepRemainder => to_field(sigmoid::step(self.pair_gap(), self.k).1.into()),
            Hint::PairHigh => F::from_bool(sigmoid::step(self.pair_gap(), self.k).0 < sigmoid::TABLE_LEN as i64 - 1),
            Hint::PairFlag { rank, j } => {
                let u = disclosure::gap_index(self.pair_gap(), self.k);
                let runs = crate::gadgets::disclose::pair_runs();
                F::from_bool(runs.get(rank).and_then(|r| crate::gadgets::disclose::run_of(r, u)) == Some(j))
            }
            Hint::RoundedScore(i) => to_field(
                disclosure::round_score(t.outputs().get(i).copied().unwrap_or(0), self.resolution_steps).into(),
            ),
            Hint::OneHot(j) => F::from_bool(argmax(t.outputs()) == j),
            Hint::SigmoidSign => F::from_bool(t.outputs().first().is_some_and(|&z| z >= 0)),
            Hint::TreeBranch { op, feature, threshold } => {
                F::from_bool(t.activations[op].get(feature).is_some_and(|&v| v <= threshold))
            }
            Hint::Live { act, i } => {
                to_field(t.activations.get(act).and_then(|a| a.get(i)).copied().unwrap_or(0).into())
            }
            Hint::CutSalt { cut, j } => self.cut_salts.get(cut).map_or(F::ZERO, |s| s[j % 4]),
        }
    }
}

impl Assignment<'_> {
    /// The logits the probabilities are a softmax of.
    fn logits(&self) -> Vec<i64> {
        disclosure::logits(self.head, self.trace.outputs()).unwrap_or_default()
    }

    /// Class `c`'s logit gap.
    fn gap(&self, c: usize) -> i64 {
        disclosure::gaps(&self.logits()).get(c).copied().unwrap_or(0)
    }

    /// Two classes: the gap of the smaller logit (the other gap is zero).
    fn pair_gap(&self) -> i64 {
        self.gap(0) + self.gap(1)
    }
}

/// A hint target and what it holds.
pub type HintTarget = (Target, Hint);
