//! Per-op checks: each op's integer output against an f64 evaluation of the same float op,
//! within the error the fixed-point scheme allows (half a unit per rounding, plus the
//! weights' rounding times the inputs' size).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zkdx_model::bounds::analyse;
use zkdx_model::fixed::dequantise;
use zkdx_model::infer::run;
use zkdx_model::ir::{ConvGeometry, Graph, Head, InputSpec, Op, PoolGeometry, TreeNode};
use zkdx_model::quantise::{quantise, quantise_input};

const K: u32 = 16;

fn float_apply(op: &Op<f64>, x: &[f64]) -> Vec<f64> {
    match op {
        Op::Dense { inputs, weights, bias, .. } => weights
            .chunks(*inputs)
            .zip(bias)
            .map(|(row, b)| b + row.iter().zip(x).map(|(w, v)| w * v).sum::<f64>())
            .collect(),
        Op::Conv2d { geometry: g, kernel, bias } => {
            let mut y = Vec::new();
            let per = g.in_channels * g.kernel[0] * g.kernel[1];
            for (o, b) in bias.iter().enumerate() {
                for oy in 0..g.out_hw[0] {
                    for ox in 0..g.out_hw[1] {
                        let mut acc = *b;
                        for (t, w) in kernel[o * per..(o + 1) * per].iter().enumerate() {
                            let (c, r) = (t / (g.kernel[0] * g.kernel[1]), t % (g.kernel[0] * g.kernel[1]));
                            if let Some(i) = g.input_index(c, oy, ox, r / g.kernel[1], r % g.kernel[1]) {
                                acc += w * x[i];
                            }
                        }
                        y.push(acc);
                    }
                }
            }
            y
        }
        Op::AddConst { values } => x.iter().zip(values).map(|(a, b)| a + b).collect(),
        Op::MulConst { values } => x.iter().zip(values).map(|(a, b)| a * b).collect(),
        Op::Relu => x.iter().map(|v| v.max(0.0)).collect(),
        Op::MaxPool { geometry } => (0..geometry.output_len())
            .map(|i| geometry.window(i).iter().map(|&j| x[j]).fold(f64::MIN, f64::max))
            .collect(),
        Op::AvgPool { geometry, factor } => {
            (0..geometry.output_len()).map(|i| factor * geometry.window(i).iter().map(|&j| x[j]).sum::<f64>()).collect()
        }
        Op::Sigmoid => x.iter().map(|v| 1.0 / (1.0 + (-v).exp())).collect(),
        Op::Reshape { .. } => x.to_vec(),
        Op::TreeEnsemble { trees, base, .. } => zkdx_model::trees::run_float(trees, base, x),
    }
}

/// Run one op both ways on inputs in [-4, 4]; return the worst error.
fn check(op: Op<f64>, n: usize, tolerance: f64) {
    let inputs: Vec<InputSpec> = (0..n).map(|i| InputSpec { name: format!("x{i}"), min: -4.0, max: 4.0 }).collect();
    let g = Graph {
        scale_bits: 0,
        inputs,
        input_shape: vec![1, n],
        ops: vec![op.clone()],
        head: Head::Identity,
        outputs: vec![],
    };
    let q = quantise(&g, K).unwrap();
    analyse(&q).unwrap();
    let mut worst: f64 = 0.0;
    for s in 0..20u64 {
        let x: Vec<f64> = (0..n).map(|i| (((i as u64 * 7919 + s * 104729) % 8001) as f64 / 1000.0) - 4.0).collect();
        let xq: Vec<i64> = x.iter().map(|&v| quantise_input(v, K)).collect();
        let xr: Vec<f64> = xq.iter().map(|&v| dequantise(v, K)).collect();
        let want = float_apply(&op, &xr);
        let got = run(&q, &xq);
        for (a, b) in got.outputs().iter().zip(&want) {
            worst = worst.max((dequantise(*a, K) - b).abs());
        }
    }
    assert!(worst <= tolerance, "{}: worst error {worst} > {tolerance}", op.kind());
}

/// Half a unit at scale 2^k.
fn ulp() -> f64 {
    0.5 / f64::from(K).exp2()
}

#[test]
fn dense_within_bound() {
    let (n, m) = (8, 3);
    let weights: Vec<f64> = (0..n * m).map(|i| ((i * 37 % 19) as f64 - 9.0) / 7.3).collect();
    // rounding of each weight (≤ ulp) times |x| ≤ 4, the bias's rounding, the rescale's
    check(Op::Dense { inputs: n, outputs: m, weights, bias: vec![0.3, -1.7, 2.2] }, n, (n as f64 * 4.0 + 2.0) * ulp());
}

#[test]
fn conv2d_within_bound() {
    let g = ConvGeometry {
        in_channels: 1,
        out_channels: 2,
        in_hw: [4, 4],
        kernel: [3, 3],
        stride: [1, 1],
        pad: [1, 1],
        out_hw: [4, 4],
    };
    let kernel: Vec<f64> = (0..18).map(|i| ((i * 13 % 11) as f64 - 5.0) / 3.1).collect();
    check(Op::Conv2d { geometry: g, kernel, bias: vec![0.1, -0.2] }, 16, (9.0 * 4.0 + 2.0) * ulp());
}

#[test]
fn tree_ensembles_take_the_float_branches_and_sum_their_leaves() {
    // thresholds on the 2^-16 grid: the quantised branch is the float one on every input,
    // so only the leaves' rounding remains (half a unit each, two trees, plus the base)
    let first = vec![
        TreeNode::Branch { feature: 0, threshold: 0.5, yes: 1, no: 4 },
        TreeNode::Branch { feature: 2, threshold: -1.25, yes: 2, no: 3 },
        TreeNode::Leaf { values: vec![(0, 0.123)] },
        TreeNode::Leaf { values: vec![(0, -2.5), (1, 1e-3)] },
        TreeNode::Leaf { values: vec![(1, 3.3)] },
    ];
    let second = vec![
        TreeNode::Branch { feature: 1, threshold: 0.0, yes: 1, no: 2 },
        TreeNode::Leaf { values: vec![(0, 0.7)] },
        TreeNode::Leaf { values: vec![(1, -0.7)] },
    ];
    let op = Op::TreeEnsemble { inputs: 3, outputs: 2, trees: vec![first, second], base: vec![0.25, -0.1] };
    check(op, 3, 3.0 * ulp());
}

#[test]
fn constant_ops_within_bound() {
    check(Op::AddConst { values: vec![0.123, -3.5, 1e-3, 2.0] }, 4, ulp());
    check(Op::MulConst { values: vec![0.123, -3.5, 1e-3, 2.0] }, 4, 5.0 * ulp());
}

#[test]
fn sigmoid_within_bound() {
    // the table's step is 1/256 (slope ≤ 1/4 → ≤ 1/2048 after rounding the index) plus the
    // table's own rounding
    check(Op::Sigmoid, 8, 1.0 / 2048.0 + ulp() * 2.0);
}

#[test]
fn relu_and_pools_within_bound() {
    check(Op::Relu, 6, 0.0);
    let g = PoolGeometry { channels: 1, in_hw: [4, 4], kernel: [2, 2], stride: [2, 2], out_hw: [2, 2] };
    check(Op::MaxPool { geometry: g.clone() }, 16, 0.0);
    check(Op::AvgPool { geometry: g, factor: 0.25 }, 16, 4.0 * 4.0 * ulp() + ulp());
}
