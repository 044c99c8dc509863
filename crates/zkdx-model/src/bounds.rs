//! Bound analysis: from the inputs' plausible ranges, an interval for every value the
//! circuit handles. A model is refused if any accumulator could leave `±2^61`, so every
//! value is exact in `i64` and in the Goldilocks field (p ≈ 2^64), and each rescale's
//! quotient is unique (its range width times `2^k` stays below p).

use crate::error::ModelError;
use crate::fixed::rescale;
use crate::infer::conv_outputs;
use crate::ir::{Graph, Op};
use crate::quantise::quantise_input;
use crate::sigmoid;

/// Largest magnitude, in bits, that any intermediate value may reach.
pub const LIMIT_BITS: u32 = 61;

/// An inclusive integer interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Lower end.
    pub lo: i128,
    /// Upper end.
    pub hi: i128,
}

impl Interval {
    /// Width in bits of `hi - lo` (number of bits a range check of `v - lo` needs).
    pub fn width_bits(&self) -> u32 {
        bits(self.hi - self.lo)
    }
    /// Bits needed for the largest magnitude.
    pub fn magnitude_bits(&self) -> u32 {
        bits(self.lo.abs().max(self.hi.abs()))
    }
    fn mul(&self, w: i128) -> Interval {
        let (a, b) = (self.lo.saturating_mul(w), self.hi.saturating_mul(w));
        Interval { lo: a.min(b), hi: a.max(b) }
    }
    fn add(&self, o: Interval) -> Interval {
        Interval { lo: self.lo.saturating_add(o.lo), hi: self.hi.saturating_add(o.hi) }
    }
    fn point(v: i128) -> Interval {
        Interval { lo: v, hi: v }
    }
}

/// Number of bits of a non-negative integer (0 for 0).
pub fn bits(v: i128) -> u32 {
    128 - v.max(0).leading_zeros()
}

/// Intervals of every activation (input first), as [`crate::infer::Trace`] lays them out.
#[derive(Debug, Clone)]
pub struct Bounds {
    /// One interval per value per activation.
    pub activations: Vec<Vec<Interval>>,
    /// The largest accumulator magnitude (before rescale) per op, in bits.
    pub accumulator_bits: Vec<u32>,
}

/// The quantised input ranges.
pub fn input_intervals(graph: &Graph) -> Vec<Interval> {
    graph
        .inputs
        .iter()
        .map(|s| Interval {
            lo: i128::from(quantise_input(s.min, graph.scale_bits)),
            hi: i128::from(quantise_input(s.max, graph.scale_bits)),
        })
        .collect()
}

/// Analyse `graph`; refuse it if a value could overflow.
pub fn analyse(graph: &Graph) -> Result<Bounds, ModelError> {
    let k = graph.scale_bits;
    let input = input_intervals(graph);
    if input.len() != graph.input_len() {
        return Err(ModelError::Shape(format!(
            "the model takes {} values but declares ranges for {} features",
            graph.input_len(),
            input.len()
        )));
    }
    let mut activations = vec![input];
    let mut accumulator_bits = Vec::with_capacity(graph.ops.len());
    let down = |acc: Interval| Interval { lo: rescale(acc.lo, k).0, hi: rescale(acc.hi, k).0 };
    let half = Interval::point(1i128 << (k - 1));
    for (i, op) in graph.ops.iter().enumerate() {
        let x = activations.last().map(Vec::as_slice).unwrap_or(&[]);
        let mut acc_bits = 0;
        let mut track = |acc: Interval| {
            acc_bits = acc_bits.max(acc.add(half).magnitude_bits());
            acc
        };
        let y: Vec<Interval> = match op {
            Op::Dense { inputs, weights, bias, .. } => weights
                .chunks(*inputs)
                .zip(bias)
                .map(|(row, &b)| {
                    let acc = row
                        .iter()
                        .zip(x)
                        .fold(Interval::point(i128::from(b)), |a, (&w, v)| a.add(v.mul(i128::from(w))));
                    down(track(acc))
                })
                .collect(),
            Op::Conv2d { geometry: g, kernel, bias } => conv_outputs(g, kernel)
                .map(|(o, taps)| {
                    let acc = taps
                        .iter()
                        .fold(Interval::point(i128::from(bias[o])), |a, &(j, w)| a.add(x[j].mul(i128::from(w))));
                    down(track(acc))
                })
                .collect(),
            Op::AddConst { values } => {
                x.iter().zip(values).map(|(v, &c)| track(v.add(Interval::point(c.into())))).collect()
            }
            Op::MulConst { values } => x.iter().zip(values).map(|(v, &c)| down(track(v.mul(c.into())))).collect(),
            Op::Relu => x.iter().map(|v| Interval { lo: v.lo.max(0), hi: v.hi.max(0) }).collect(),
            Op::MaxPool { geometry } => (0..geometry.output_len())
                .map(|o| {
                    let w = geometry.window(o);
                    Interval {
                        lo: w.iter().map(|&j| x[j].lo).max().unwrap_or(0),
                        hi: w.iter().map(|&j| x[j].hi).max().unwrap_or(0),
                    }
                })
                .collect(),
            Op::AvgPool { geometry, factor } => (0..geometry.output_len())
                .map(|o| {
                    let sum = geometry.window(o).iter().fold(Interval::point(0), |a, &j| a.add(x[j]));
                    down(track(sum.mul(i128::from(*factor))))
                })
                .collect(),
            Op::Sigmoid => {
                let table = sigmoid::table(k);
                let f = |v: i128| {
                    i128::from(sigmoid::sigmoid(
                        v.clamp(i128::from(i64::MIN / 2), i128::from(i64::MAX / 2)) as i64,
                        k,
                        &table,
                    ))
                };
                x.iter().map(|v| Interval { lo: f(v.lo), hi: f(v.hi) }).collect()
            }
            Op::Reshape { .. } => x.to_vec(),
            Op::TreeEnsemble { trees, base, .. } => {
                // the comparisons' widths (threshold minus input) count as accumulators
                for node in trees.iter().flatten() {
                    if let crate::ir::TreeNode::Branch { feature, threshold, .. } = node {
                        if let Some(v) = x.get(*feature) {
                            track(Interval::point((*threshold).into()).add(Interval { lo: -v.hi, hi: -v.lo }));
                        }
                    }
                }
                crate::trees::output_intervals(trees, base)
            }
        };
        let out_bits = y.iter().map(Interval::magnitude_bits).max().unwrap_or(0);
        let worst = acc_bits.max(out_bits);
        if worst > LIMIT_BITS {
            return Err(ModelError::Overflow {
                op: i,
                kind: op.kind().into(),
                bits: f64::from(worst),
                limit: LIMIT_BITS,
            });
        }
        accumulator_bits.push(acc_bits);
        activations.push(y);
    }
    Ok(Bounds { activations, accumulator_bits })
}
