//! Dense layers and convolutions: accumulators `init + Σ w_i·x_i` with the weights as
//! circuit constants (so the verifier data commits to them). [`mat_vec`] packs them into
//! [`MatVecGate`] rows (the weights in the row's constants); [`dot`] is the one-off form on
//! plonky2's arithmetic rows. Rescaling follows in [`super::rescale`].

use plonky2::iop::target::Target;

use super::Builder;
use crate::field::to_field;
use crate::gates::mat_vec::MatVecGate;

/// `inits[i] + Σ_j rows[i][j]·xs[j]` for every row of weights, all over the same inputs
/// `xs`, in `MatVecGate` rows: each row takes one chunk of inputs for a block of outputs and
/// carries the accumulators on to the next chunk. Weights beyond a row's length are zero.
pub fn mat_vec(b: &mut Builder, gate: MatVecGate, rows: &[&[i64]], xs: &[Target], inits: &[i128]) -> Vec<Target> {
    let mut out = Vec::with_capacity(rows.len());
    for (block, block_inits) in rows.chunks(gate.outputs).zip(inits.chunks(gate.outputs)) {
        let mut accs: Vec<Target> = block_inits.iter().map(|&c| b.constant(to_field(c))).collect();
        for (chunk, chunk_xs) in xs.chunks(gate.inputs).enumerate() {
            let mut constants = vec![crate::field::F::default(); gate.macs()];
            let mut any = false;
            for (i, row) in block.iter().enumerate() {
                for j in 0..chunk_xs.len() {
                    let w = row.get(chunk * gate.inputs + j).copied().unwrap_or(0);
                    any |= w != 0;
                    constants[gate.constant_weight(i, j)] = to_field(i128::from(w));
                }
            }
            if !any {
                continue;
            }
            let r = b.add_gate(gate, constants);
            let zero = b.zero();
            for j in 0..gate.inputs {
                b.connect(chunk_xs.get(j).copied().unwrap_or(zero), Target::wire(r, gate.wire_input(j)));
            }
            for i in 0..gate.outputs {
                match accs.get_mut(i) {
                    Some(acc) => {
                        b.connect(*acc, Target::wire(r, gate.wire_acc_in(i)));
                        *acc = Target::wire(r, gate.wire_acc_out(i));
                    }
                    None => b.connect(zero, Target::wire(r, gate.wire_acc_in(i))),
                }
            }
        }
        out.extend(accs);
    }
    out
}

/// `init + Σ weights[i]·xs[i]`; zero weights add nothing. The weights become constant
/// targets (deduplicated by value) wired into multiply-add rows.
pub fn dot(b: &mut Builder, weights: &[i64], xs: &[Target], init: i128) -> Target {
    let mut acc = b.constant(to_field(init));
    for (&w, &x) in weights.iter().zip(xs) {
        acc = match w {
            0 => acc,
            1 => b.add(acc, x),
            _ => {
                let wt = b.constant(to_field(i128::from(w)));
                b.mul_add(wt, x, acc)
            }
        };
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::rescale::rescale;
    use crate::gadgets::testing::{accepts, rejects, Harness};
    use zkdx_model::fixed;

    const W: [i64; 4] = [3, -7, 0, 1 << 20];
    const X: [i128; 4] = [5, 11, 13, -2];

    fn dense(product: i128) -> Harness {
        let mut h = Harness::new();
        let xs: Vec<Target> = X.iter().map(|&x| h.private(x)).collect();
        let acc = dot(&mut h.b, &W, &xs, 9);
        let claimed = h.private(product);
        h.b.connect(acc, claimed);
        h.public(claimed);
        h
    }

    fn honest() -> i128 {
        9 + W.iter().zip(X).map(|(&w, x)| i128::from(w) * x).sum::<i128>()
    }

    #[test]
    fn honest_product_proves() {
        accepts(dense(honest()));
    }

    #[test]
    fn wrong_product_is_rejected() {
        rejects(dense(honest() + 1));
        rejects(dense(honest() - 3));
    }

    const ROWS: [[i64; 21]; 5] = {
        let mut r = [[0i64; 21]; 5];
        let mut i = 0;
        while i < 5 {
            let mut j = 0;
            while j < 21 {
                r[i][j] = ((i as i64 * 37 + j as i64 * 11) % 19) - 9;
                j += 1;
            }
            i += 1;
        }
        r
    };

    fn mat_vec_harness() -> (Harness, Vec<Target>, Vec<i128>) {
        let mut h = Harness::new();
        let gate = crate::config::mat_vec_gate(&crate::config::for_model(0));
        let xv: Vec<i128> = (0..21).map(|j| (j * j) as i128 - 50).collect();
        let xs: Vec<Target> = xv.iter().map(|&x| h.private(x)).collect();
        let rows: Vec<&[i64]> = ROWS.iter().map(|r| r.as_slice()).collect();
        let inits = [5, -6, 7, 0, 1 << 40];
        let accs = mat_vec(&mut h.b, gate, &rows, &xs, &inits);
        let expect = ROWS
            .iter()
            .zip(inits)
            .map(|(r, c)| c + r.iter().zip(&xv).map(|(&w, &x)| i128::from(w) * x).sum::<i128>())
            .collect();
        for &a in &accs {
            h.public(a);
        }
        (h, accs, expect)
    }

    #[test]
    fn mat_vec_matches_reference() {
        let (h, _, expect) = mat_vec_harness();
        let public = accepts(h);
        let got: Vec<i128> = public.iter().map(|&f| crate::field::to_signed(f)).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn mat_vec_wrong_product_is_rejected() {
        // an output accumulator changed after honest generation: the gate's row equation fails
        for i in [0, 3, 4] {
            let (mut h, accs, expect) = mat_vec_harness();
            h.tamper(accs[i], to_field(expect[i] + 1));
            rejects(h);
        }
    }

    #[test]
    fn mat_vec_wrong_partial_sum_is_rejected() {
        // the accumulator between the first and second chunk of inputs: rows of one block are
        // consecutive, so it is the previous row's outgoing accumulator of the final one
        let (mut h, accs, _) = mat_vec_harness();
        let gate = crate::config::mat_vec_gate(&crate::config::for_model(0));
        let Target::Wire(last) = accs[0] else { unreachable!("a gate output is a wire") };
        h.tamper(Target::wire(last.row - 1, gate.wire_acc_out(0)), to_field(77));
        rejects(h);
    }

    #[test]
    fn mat_vec_weights_are_bound_by_the_verifier_data() {
        let digest = |w: i64| {
            let mut b = Builder::new(crate::config::for_model(0));
            let gate = crate::config::mat_vec_gate(&b.config);
            let xs: Vec<Target> = (0..4).map(|_| b.add_virtual_target()).collect();
            let row = [1, 2, w, 4];
            let acc = mat_vec(&mut b, gate, &[&row], &xs, &[0]);
            b.register_public_inputs(&acc);
            b.build::<crate::field::C>().verifier_only.circuit_digest
        };
        assert_eq!(digest(3), digest(3));
        assert_ne!(digest(3), digest(-3));
    }

    #[test]
    fn dense_then_rescale_matches_reference() {
        let mut h = Harness::new();
        let xs: Vec<Target> = X.iter().map(|&x| h.private(x)).collect();
        let acc = dot(&mut h.b, &W, &xs, 9 + (1 << 7));
        let t = rescale(&mut h.b, acc, 8, -(1 << 30), 31).unwrap_or_else(|e| unreachable!("{e}"));
        let (q, r) = fixed::rescale(honest(), 8);
        h.set(t.q, q);
        h.set(t.r, r);
        h.public(t.q);
        let public = accepts(h);
        assert_eq!(crate::field::to_signed(public[0]), q);
    }
}
