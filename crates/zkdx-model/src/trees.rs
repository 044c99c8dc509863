//! Tree ensembles ([`Op::TreeEnsemble`]): the shape rules a lowered ensemble keeps, and its
//! evaluation, in floats (the float reference, as onnxruntime compares: a 32-bit float input
//! against the threshold) and in integers (what the circuit proves), with its output bounds.
//!
//! Every branch reads "input ≤ threshold". The ONNX modes map onto it when an exporter's
//! ensemble is lowered ([`crate::onnx_ml`]): `BRANCH_LT` with the 64-bit float just below
//! the threshold, `BRANCH_GT` and `BRANCH_GTE` with the branches swapped. Quantised
//! ([`crate::ir::Scale::Threshold`]), `x ≤ t` becomes `q ≤ round(t·2^k)` and `x < t` becomes
//! `q ≤ round(t·2^k) − 1`, so an input equal to the threshold takes its float side, as it
//! is rounded the same way; an input within half a step of the scale of the threshold can
//! take the other side (`zkdx calibrate` measures how often that changes a result).

use crate::bounds::Interval;
use crate::error::ModelError;
use crate::ir::TreeNode;

/// Check that `trees` are trees over `inputs` features and `outputs` outputs: each non-empty,
/// in pre-order (children after their parent, every node but the root the child of exactly
/// one branch), features and outputs in range.
pub fn validate<W>(inputs: usize, outputs: usize, trees: &[Vec<TreeNode<W>>], base_len: usize) -> Result<(), String> {
    if base_len != outputs {
        return Err(format!("{base_len} base values for {outputs} outputs"));
    }
    for (t, nodes) in trees.iter().enumerate() {
        if nodes.is_empty() {
            return Err(format!("tree {t} has no nodes"));
        }
        let mut parents = vec![0usize; nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            match node {
                TreeNode::Branch { feature, yes, no, .. } => {
                    if *feature >= inputs {
                        return Err(format!("tree {t} reads feature {feature} of {inputs}"));
                    }
                    for &c in [yes, no] {
                        if c <= i || c >= nodes.len() {
                            return Err(format!("tree {t}: node {i}'s child {c} is not after it"));
                        }
                        parents[c] += 1;
                    }
                }
                TreeNode::Leaf { values } => {
                    if let Some((o, _)) = values.iter().find(|(o, _)| *o >= outputs) {
                        return Err(format!("tree {t}: a leaf adds to output {o} of {outputs}"));
                    }
                }
            }
        }
        if parents.iter().skip(1).any(|&p| p != 1) {
            return Err(format!("tree {t} is not a tree (a node with no parent or two)"));
        }
    }
    Ok(())
}

/// The leaf that `nodes` reach, where `goes_yes(feature, threshold)` says which way each
/// branch goes. Terminates on any nodes (children are only followed forwards).
pub fn leaf<W>(nodes: &[TreeNode<W>], mut goes_yes: impl FnMut(usize, &W) -> bool) -> usize {
    let mut i = 0;
    while let Some(TreeNode::Branch { feature, threshold, yes, no }) = nodes.get(i) {
        let next = if goes_yes(*feature, threshold) { *yes } else { *no };
        if next <= i {
            break;
        }
        i = next;
    }
    i
}

fn leaf_values<W>(nodes: &[TreeNode<W>], i: usize) -> &[(usize, W)] {
    match nodes.get(i) {
        Some(TreeNode::Leaf { values }) => values,
        _ => &[],
    }
}

/// The integer ensemble on quantised inputs: branch when `x ≤ threshold`, the base plus every
/// reached leaf's values.
pub fn run_quantised(trees: &[Vec<TreeNode<i64>>], base: &[i64], x: &[i64]) -> Vec<i64> {
    let mut out = base.to_vec();
    for nodes in trees {
        let reached = leaf(nodes, |f, &t| x.get(f).is_some_and(|&v| v <= t));
        for &(o, v) in leaf_values(nodes, reached) {
            if let Some(s) = out.get_mut(o) {
                *s += v;
            }
        }
    }
    out
}

/// The float ensemble: each input is compared as the 32-bit float an ONNX runtime holds.
pub fn run_float(trees: &[Vec<TreeNode<f64>>], base: &[f64], x: &[f64]) -> Vec<f64> {
    let mut out = base.to_vec();
    for nodes in trees {
        let reached = leaf(nodes, |f, &t| x.get(f).is_some_and(|&v| f64::from(v as f32) <= t));
        for &(o, v) in leaf_values(nodes, reached) {
            if let Some(s) = out.get_mut(o) {
                *s += v;
            }
        }
    }
    out
}

/// Each output's interval: the base plus, per tree, the smallest and largest that any of
/// its leaves adds (0 for a leaf that does not name the output).
pub fn output_intervals(trees: &[Vec<TreeNode<i64>>], base: &[i64]) -> Vec<Interval> {
    let mut out: Vec<Interval> = base.iter().map(|&b| Interval { lo: b.into(), hi: b.into() }).collect();
    for nodes in trees {
        let leaves: Vec<&[(usize, i64)]> = nodes
            .iter()
            .filter_map(|n| match n {
                TreeNode::Leaf { values } => Some(values.as_slice()),
                TreeNode::Branch { .. } => None,
            })
            .collect();
        for (o, iv) in out.iter_mut().enumerate() {
            let adds: Vec<i128> =
                leaves.iter().map(|vs| vs.iter().filter(|(j, _)| *j == o).map(|&(_, v)| i128::from(v)).sum()).collect();
            iv.lo += adds.iter().copied().min().unwrap_or(0);
            iv.hi += adds.iter().copied().max().unwrap_or(0);
        }
    }
    out
}

/// An ensemble's shape error as a model error.
pub fn invalid(detail: String) -> ModelError {
    ModelError::Shape(format!("the tree ensemble is malformed: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// x0 ≤ 10 ? (x1 ≤ 0 ? leaf a : leaf b) : leaf c
    fn tree() -> Vec<TreeNode<i64>> {
        vec![
            TreeNode::Branch { feature: 0, threshold: 10, yes: 1, no: 4 },
            TreeNode::Branch { feature: 1, threshold: 0, yes: 2, no: 3 },
            TreeNode::Leaf { values: vec![(0, 1)] },
            TreeNode::Leaf { values: vec![(0, 2), (1, 5)] },
            TreeNode::Leaf { values: vec![(1, -3)] },
        ]
    }

    #[test]
    fn branches_take_the_yes_side_at_the_threshold() {
        let t = vec![tree()];
        assert_eq!(run_quantised(&t, &[100, 0], &[10, 0]), vec![101, 0]);
        assert_eq!(run_quantised(&t, &[100, 0], &[10, 1]), vec![102, 5]);
        assert_eq!(run_quantised(&t, &[100, 0], &[11, -7]), vec![100, -3]);
        assert_eq!(output_intervals(&t, &[100, 0]), vec![Interval { lo: 100, hi: 102 }, Interval { lo: -3, hi: 5 }]);
    }

    #[test]
    fn malformed_trees_are_named() {
        assert!(validate(2, 2, &[tree()], 2).is_ok());
        assert!(validate(1, 2, &[tree()], 2).is_err_and(|e| e.contains("feature 1")));
        assert!(validate(2, 1, &[tree()], 1).is_err_and(|e| e.contains("output 1")));
        let mut cyclic = tree();
        cyclic[1] = TreeNode::Branch { feature: 1, threshold: 0, yes: 0, no: 3 };
        assert!(validate(2, 2, &[cyclic], 2).is_err_and(|e| e.contains("not after it")));
        let mut shared = tree();
        shared[0] = TreeNode::Branch { feature: 0, threshold: 10, yes: 1, no: 3 };
        assert!(validate(2, 2, &[shared], 2).is_err_and(|e| e.contains("not a tree")));
    }
}
