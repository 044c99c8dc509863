//! Argmax: a one-hot hint `o` (booleans summing to 1), `label = Σ j·o_j`,
//! `m = Σ o_j·x_j`, and for every `j`: `m − x_j − [j < label] ≥ 0`, range-checked. So `m`
//! is the maximum and `label` its first index (ties go to the lowest index, as in
//! [`zkdx_model::infer::argmax`]).

use plonky2::field::types::Field;
use plonky2::iop::target::{BoolTarget, Target};

use super::range::assert_range;
use super::Builder;
use crate::field::F;

/// The label and its one-hot hint.
#[derive(Debug, Clone)]
pub struct ArgmaxTargets {
    /// The index of the first maximum.
    pub label: Target,
    /// One boolean per class (the prover's hint).
    pub one_hot: Vec<BoolTarget>,
    /// The maximum (`Σ o_j·x_j`).
    pub max: Target,
}

/// Argmax of `xs`, whose pairwise differences (plus one) are below `2^bits`.
pub fn argmax(b: &mut Builder, xs: &[Target], bits: u32) -> ArgmaxTargets {
    let one_hot: Vec<BoolTarget> = xs.iter().map(|_| b.add_virtual_bool_target_safe()).collect();
    let hot: Vec<Target> = one_hot.iter().map(|o| o.target).collect();
    let total = b.add_many(&hot);
    let one = b.one();
    b.connect(total, one);
    let mut label = b.zero();
    let mut chosen = b.zero();
    for (j, (&o, &x)) in hot.iter().zip(xs).enumerate() {
        label = b.mul_const_add(F::from_canonical_usize(j), o, label);
        chosen = b.mul_add(o, x, chosen);
    }
    // after[j] = Σ_{i > j} o_i = [j < label]
    let mut after = b.zero();
    for j in (0..xs.len()).rev() {
        let d = b.sub(chosen, xs[j]);
        let d = b.sub(d, after);
        assert_range(b, d, 0, bits);
        after = b.add(after, hot[j]);
    }
    ArgmaxTargets { label, one_hot, max: chosen }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_signed;
    use crate::gadgets::testing::{accepts, rejects, Harness};

    fn run(xs: &[i128], hot: usize) -> Harness {
        let mut h = Harness::new();
        let ts: Vec<Target> = xs.iter().map(|&v| h.private(v)).collect();
        let t = argmax(&mut h.b, &ts, 10);
        for (j, o) in t.one_hot.iter().enumerate() {
            h.set(o.target, i128::from(j == hot));
        }
        h.public(t.label);
        h
    }

    #[test]
    fn honest_argmax_proves() {
        let out = accepts(run(&[3, -9, 40, 7], 2));
        assert_eq!(to_signed(out[0]), 2);
    }

    #[test]
    fn ties_go_to_the_first_index() {
        accepts(run(&[5, 40, 40], 1));
        rejects(run(&[5, 40, 40], 2));
    }

    #[test]
    fn wrong_label_is_rejected() {
        rejects(run(&[3, -9, 40, 7], 3));
        rejects(run(&[3, -9, 40, 7], 0));
    }

    #[test]
    fn two_hot_is_rejected() {
        let mut h = Harness::new();
        let ts: Vec<Target> = [3i128, 40].iter().map(|&v| h.private(v)).collect();
        let t = argmax(&mut h.b, &ts, 10);
        h.set(t.one_hot[0].target, 1);
        h.set(t.one_hot[1].target, 1);
        rejects(h);
    }

    #[test]
    fn non_boolean_one_hot_is_rejected() {
        // (2, −1) sums to 1 and passes every difference check; only booleanity stops it
        let mut h = Harness::new();
        let ts: Vec<Target> = [40i128, 3].iter().map(|&v| h.private(v)).collect();
        let t = argmax(&mut h.b, &ts, 10);
        h.set(t.one_hot[0].target, 2);
        h.set(t.one_hot[1].target, -1);
        h.public(t.label);
        rejects(h);
    }
}
