//! Dense layers and convolutions: accumulators `init + Σ w_i·x_i` with the weights as
//! circuit constants (so the verifier data commits to them). Rescaling follows in
//! [`super::rescale`].

use plonky2::iop::target::Target;

use super::Builder;
use crate::field::to_field;

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
