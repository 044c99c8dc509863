//! Tree ensembles: every comparison of every tree, in O(nodes) rows.
//!
//! Each branch whose bounds leave its outcome open gets a hint `s ∈ {0, 1}` ("input ≤
//! threshold") and one range check: with `d = T − x`, `s·(2d + 1) − d − 1` must lie in
//! `[0, 2^bits)`, which is `d ≥ 0` when `s = 1` and `x − T − 1 ≥ 0` when `s = 0`; so `s` is
//! the comparison's outcome and nothing else. A branch the bounds decide is wired as a
//! constant. From the root (reached: 1), a branch passes `reach·s` to its yes child and
//! `reach − reach·s` to its no child, so exactly one leaf per tree is reached, and each
//! output is its base plus `Σ reach(leaf)·value(leaf)`: one product per branch and one per
//! leaf value, with no choice left to the prover.

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::range::assert_range;
use super::Builder;
use crate::field::{to_field, F};
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::ir::TreeNode;

/// A branch's hint: tree, node, and the target that holds "input ≤ threshold".
#[derive(Debug, Clone, Copy)]
pub struct BranchHint {
    /// Tree index.
    pub tree: usize,
    /// Node index in the tree (pre-order).
    pub node: usize,
    /// The outcome (the prover's hint).
    pub yes: BoolTarget,
}

/// The targets of one ensemble.
#[derive(Debug, Clone)]
pub struct EnsembleTargets {
    /// One per output: the base plus the reached leaves' values.
    pub outputs: Vec<Target>,
    /// The open branches' hints.
    pub branches: Vec<BranchHint>,
    /// Per tree, per node: whether it is reached (0 or 1); the soundness tests tamper with
    /// these.
    pub reached: Vec<Vec<Target>>,
}

/// The ensemble on inputs `x` with bounds `x_iv`. `trees` must satisfy
/// [`zkdx_model::trees::validate`] (the model checks it when it lowers the ensemble).
pub fn tree_ensemble(
    b: &mut Builder,
    x: &[Target],
    x_iv: &[Interval],
    trees: &[Vec<TreeNode<i64>>],
    base: &[i64],
) -> Result<EnsembleTargets, String> {
    let mut outputs: Vec<Target> = base.iter().map(|&v| b.constant(to_field(v.into()))).collect();
    let mut branches = Vec::new();
    let mut reached_all = Vec::with_capacity(trees.len());
    let (zero, one) = (b.zero(), b.one());
    for (tree, nodes) in trees.iter().enumerate() {
        let mut reached: Vec<Option<Target>> = vec![None; nodes.len()];
        if let Some(root) = reached.first_mut() {
            *root = Some(one);
        }
        for (i, node) in nodes.iter().enumerate() {
            let r = reached[i].ok_or_else(|| format!("tree {tree}: node {i} comes before its parent"))?;
            match node {
                TreeNode::Branch { feature, threshold, yes, no } => {
                    let (&xf, iv) = x.get(*feature).zip(x_iv.get(*feature)).ok_or("a branch reads a missing input")?;
                    let t = i128::from(*threshold);
                    let (to_yes, to_no) = if iv.hi <= t {
                        (r, zero)
                    } else if iv.lo > t {
                        (zero, r)
                    } else {
                        let s = b.add_virtual_bool_target_safe();
                        branches.push(BranchHint { tree, node: i, yes: s });
                        // d = T − x; s·(2d + 1) − d − 1 ≥ 0
                        let neg_x = b.neg(xf);
                        let d = b.add_const(neg_x, to_field(t));
                        let two_d_plus_one = b.mul_const_add(F::TWO, d, one);
                        let sd = b.mul(s.target, two_d_plus_one);
                        let v = b.sub(sd, d);
                        let v = b.sub(v, one);
                        assert_range(b, v, 0, bits((t - iv.lo).max(iv.hi - t - 1)));
                        let to_yes = b.mul(r, s.target);
                        (to_yes, b.sub(r, to_yes))
                    };
                    for (child, value) in [(*yes, to_yes), (*no, to_no)] {
                        let slot = reached.get_mut(child).ok_or_else(|| format!("tree {tree}: no node {child}"))?;
                        *slot = Some(value);
                    }
                }
                TreeNode::Leaf { values } => {
                    for &(o, v) in values {
                        let acc = outputs.get_mut(o).ok_or_else(|| format!("tree {tree}: no output {o}"))?;
                        *acc = b.mul_const_add(to_field(v.into()), r, *acc);
                    }
                }
            }
        }
        reached_all.push(reached.into_iter().map(|r| r.unwrap_or(zero)).collect());
    }
    Ok(EnsembleTargets { outputs, branches, reached: reached_all })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::testing::{accepts, rejects, Harness};
    use zkdx_model::trees::run_quantised;

    /// x0 ≤ 10 ? (x1 ≤ 0 ? [1, 0] : [2, 5]) : [0, −3], plus a second tree on x1 ≤ 3.
    fn ensemble() -> (Vec<Vec<TreeNode<i64>>>, Vec<i64>) {
        let first = vec![
            TreeNode::Branch { feature: 0, threshold: 10, yes: 1, no: 4 },
            TreeNode::Branch { feature: 1, threshold: 0, yes: 2, no: 3 },
            TreeNode::Leaf { values: vec![(0, 1)] },
            TreeNode::Leaf { values: vec![(0, 2), (1, 5)] },
            TreeNode::Leaf { values: vec![(1, -3)] },
        ];
        let second = vec![
            TreeNode::Branch { feature: 1, threshold: 3, yes: 1, no: 2 },
            TreeNode::Leaf { values: vec![(0, 100)] },
            TreeNode::Leaf { values: vec![(1, 100)] },
        ];
        (vec![first, second], vec![7, -7])
    }

    const BOUNDS: [Interval; 2] = [Interval { lo: -50, hi: 50 }, Interval { lo: -50, hi: 50 }];

    /// The circuit on `x`, honest except where `dishonest` changes it.
    fn run(x: [i64; 2], dishonest: impl FnOnce(&mut Harness, &EnsembleTargets)) -> Harness {
        run_within(x, &BOUNDS, dishonest)
    }

    /// [`run`] with other input bounds.
    fn run_within(x: [i64; 2], bounds: &[Interval], dishonest: impl FnOnce(&mut Harness, &EnsembleTargets)) -> Harness {
        let (trees, base) = ensemble();
        let mut h = Harness::new();
        let xs: Vec<Target> = x.iter().map(|&v| h.private(v.into())).collect();
        let t = tree_ensemble(&mut h.b, &xs, bounds, &trees, &base).unwrap_or_else(|e| unreachable!("{e}"));
        for br in &t.branches {
            let TreeNode::Branch { feature, threshold, .. } = &trees[br.tree][br.node] else { unreachable!() };
            h.set(br.yes.target, i128::from(x[*feature] <= *threshold));
        }
        for &o in &t.outputs {
            h.public(o);
        }
        dishonest(&mut h, &t);
        h
    }

    #[test]
    fn honest_ensembles_prove_the_reference_outputs() {
        let (trees, base) = ensemble();
        for x in [[10, 0], [10, 1], [11, -7], [-50, 50], [50, 3], [0, 4]] {
            let out = accepts(run(x, |_, _| {}));
            let got: Vec<i128> = out.iter().map(|&v| crate::field::to_signed(v)).collect();
            let want: Vec<i128> = run_quantised(&trees, &base, &x).into_iter().map(i128::from).collect();
            assert_eq!(got, want, "x = {x:?}");
        }
    }

    /// The honest proof's outputs, which must be the reference's.
    fn proves_the_reference(x: [i64; 2], bounds: &[Interval]) {
        let (trees, base) = ensemble();
        let out = accepts(run_within(x, bounds, |_, _| {}));
        let got: Vec<i128> = out.iter().map(|&v| crate::field::to_signed(v)).collect();
        let want: Vec<i128> = run_quantised(&trees, &base, &x).into_iter().map(i128::from).collect();
        assert_eq!(got, want, "x = {x:?}, bounds {bounds:?}");
    }

    #[test]
    fn branches_the_bounds_decide_are_constants_and_the_rest_stay_open() {
        let iv = |lo, hi| Interval { lo, hi };
        // x0 ≥ 11 > 10: always the no side; x1 ≤ 0: always the yes side (then x1 ≤ 3 too)
        let decided = [iv(11, 50), iv(-50, 0)];
        let t = run_within([11, 0], &decided, |_, t| assert!(t.branches.is_empty(), "{:?}", t.branches));
        accepts(t);
        for x in [[11, 0], [50, -50]] {
            proves_the_reference(x, &decided);
        }
        // x0 from exactly the threshold: 10 goes yes, 11 no; neither side may be assumed
        let from_threshold = [iv(10, 50), iv(-50, 50)];
        for x in [[10, 0], [11, 0], [10, 1]] {
            proves_the_reference(x, &from_threshold);
        }
    }

    #[test]
    fn each_range_check_is_as_wide_as_its_bounds_need() {
        let iv = |lo, hi| Interval { lo, hi };
        // far below the threshold (yes side, d = 1010) and far above it (no side, x − T − 1 = 989)
        proves_the_reference([-1000, 0], &[iv(-1000, 50), iv(-50, 50)]);
        proves_the_reference([1000, 0], &[iv(-50, 1000), iv(-50, 50)]);
    }

    #[test]
    fn a_wrong_branch_is_rejected() {
        // x0 = 10 ≤ 10: claiming the no side
        rejects(run([10, 0], |h, t| h.set(t.branches[0].yes.target, 0)));
        // x1 = 4 > 3: claiming the yes side of the second tree
        let second = |t: &EnsembleTargets| t.branches.iter().position(|b| b.tree == 1).unwrap_or(0);
        rejects(run([0, 4], |h, t| h.set(t.branches[second(t)].yes.target, 1)));
    }

    #[test]
    fn a_non_boolean_branch_is_rejected() {
        rejects(run([10, 0], |h, t| h.set_field(t.branches[0].yes.target, F::TWO)));
    }

    #[test]
    fn a_wrong_leaf_is_rejected() {
        // x = [10, 0] reaches leaf 2 of the first tree: claim leaf 3 instead
        rejects(run([10, 0], |h, t| {
            h.tamper(t.reached[0][2], F::ZERO);
            h.tamper(t.reached[0][3], F::ONE);
        }));
    }

    #[test]
    fn a_wrong_sum_is_rejected() {
        rejects(run([10, 0], |h, t| h.tamper(t.outputs[0], F::from_canonical_u64(1000))));
    }
}
