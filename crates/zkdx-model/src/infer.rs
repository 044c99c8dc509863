//! Reference integer inference: exactly what the circuit computes, in plain Rust.

use crate::fixed::rescale;
use crate::ir::{Graph, Op};
use crate::sigmoid;

/// Every activation of one run: `activations[0]` is the quantised input,
/// `activations[i + 1]` the output of op `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The activations, input first.
    pub activations: Vec<Vec<i64>>,
    /// For each op that rescales, its accumulators before rescaling (scale `2^(2k)`, without
    /// the rounding half); empty for the other ops.
    pub accumulators: Vec<Vec<i128>>,
}

impl Trace {
    /// The final outputs (logits or scores), at the graph's scale.
    pub fn outputs(&self) -> &[i64] {
        self.activations.last().map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Run the integer graph on a quantised input. The input must satisfy the graph's
/// input ranges (see [`crate::bounds`]) for the arithmetic to be exact in `i64`.
pub fn run(graph: &Graph, input: &[i64]) -> Trace {
    let k = graph.scale_bits;
    let table = if graph.ops.iter().any(|op| matches!(op, Op::Sigmoid)) { sigmoid::table(k) } else { Vec::new() };
    let mut activations = vec![input.to_vec()];
    let mut accumulators = Vec::with_capacity(graph.ops.len());
    for op in &graph.ops {
        let x = activations.last().map(Vec::as_slice).unwrap_or(&[]);
        let acc = accumulate(op, x);
        let y = match op {
            _ if op.rescales() => acc.iter().map(|&a| rescale(a, k).0 as i64).collect(),
            Op::Sigmoid => x.iter().map(|&v| sigmoid::sigmoid(v, k, &table)).collect(),
            _ => apply(op, x),
        };
        activations.push(y);
        accumulators.push(if op.rescales() { acc } else { Vec::new() });
    }
    Trace { activations, accumulators }
}

/// The accumulators (before rescaling) of an op that rescales; empty for the others.
pub fn accumulate(op: &Op<i64>, x: &[i64]) -> Vec<i128> {
    let mac = |acc: i128, w: i64, v: i64| acc + i128::from(w) * i128::from(v);
    match op {
        Op::Dense { inputs, weights, bias, .. } => weights
            .chunks(*inputs)
            .zip(bias)
            .map(|(row, &b)| row.iter().zip(x).fold(i128::from(b), |a, (&w, &v)| mac(a, w, v)))
            .collect(),
        Op::Conv2d { geometry: g, kernel, bias } => conv_outputs(g, kernel)
            .map(|(o, taps)| taps.iter().fold(i128::from(bias[o]), |a, &(i, w)| mac(a, w, x[i])))
            .collect(),
        Op::MulConst { values } => x.iter().zip(values).map(|(&v, &c)| mac(0, c, v)).collect(),
        Op::AvgPool { geometry, factor } => (0..geometry.output_len())
            .map(|i| geometry.window(i).iter().fold(0, |a, &j| mac(a, *factor, x[j])))
            .collect(),
        _ => Vec::new(),
    }
}

/// One op that does not rescale, on one activation vector (`x` unchanged for the others).
fn apply(op: &Op<i64>, x: &[i64]) -> Vec<i64> {
    match op {
        Op::AddConst { values } => x.iter().zip(values).map(|(&v, &c)| v + c).collect(),
        Op::Relu => x.iter().map(|&v| v.max(0)).collect(),
        Op::TreeEnsemble { trees, base, .. } => crate::trees::run_quantised(trees, base, x),
        Op::MaxPool { geometry } => {
            (0..geometry.output_len()).map(|i| geometry.window(i).iter().map(|&j| x[j]).max().unwrap_or(0)).collect()
        }
        _ => x.to_vec(),
    }
}

/// The kernel taps of output channel `o`: `(input channel, ky, kx, weight)`.
pub fn conv_taps<'a>(
    g: &'a crate::ir::ConvGeometry,
    kernel: &'a [i64],
    o: usize,
) -> impl Iterator<Item = (usize, usize, usize, i64)> + 'a {
    let per_out = g.in_channels * g.kernel[0] * g.kernel[1];
    kernel[o * per_out..(o + 1) * per_out].iter().enumerate().map(move |(t, &w)| {
        let c = t / (g.kernel[0] * g.kernel[1]);
        let rest = t % (g.kernel[0] * g.kernel[1]);
        (c, rest / g.kernel[1], rest % g.kernel[1], w)
    })
}

/// Every output of a convolution in order: its output channel and the `(input index,
/// weight)` pairs that feed it (taps on padding left out). Shared by the reference run, the
/// bound analysis and the circuit, so all three walk the same taps.
pub fn conv_outputs<'a>(
    g: &'a crate::ir::ConvGeometry,
    kernel: &'a [i64],
) -> impl Iterator<Item = (usize, Vec<(usize, i64)>)> + 'a {
    (0..g.out_channels).flat_map(move |o| {
        (0..g.out_hw[0]).flat_map(move |oy| {
            (0..g.out_hw[1]).map(move |ox| {
                let taps = conv_taps(g, kernel, o)
                    .filter_map(|(c, ky, kx, w)| g.input_index(c, oy, ox, ky, kx).map(|i| (i, w)))
                    .collect();
                (o, taps)
            })
        })
    })
}

/// Index of the largest output; the first one wins a tie (as the circuit's argmax).
pub fn argmax<T: PartialOrd>(values: &[T]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}
