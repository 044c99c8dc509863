//! Max pooling: a hint `y` with `y − x_i ≥ 0` for every `x_i` of the window and
//! `Π (y − x_i) = 0`, so `y` is the window's maximum. (Average pooling is a dense sum with
//! one constant factor and a rescale; see the circuit.)

use plonky2::iop::target::Target;

use super::range::assert_range;
use super::Builder;

/// The maximum of `xs`, whose pairwise differences are below `2^bits`.
pub fn max(b: &mut Builder, xs: &[Target], bits: u32) -> Target {
    let y = b.add_virtual_target();
    let mut product = b.one();
    for &x in xs {
        let d = b.sub(y, x);
        assert_range(b, d, 0, bits);
        product = b.mul(product, d);
    }
    b.assert_zero(product);
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::testing::{accepts, rejects, Harness};

    fn run(claimed: i128) -> Harness {
        let mut h = Harness::new();
        let xs: Vec<Target> = [3i128, -8, 12, 12, 0].iter().map(|&v| h.private(v)).collect();
        let y = max(&mut h.b, &xs, 8);
        h.set(y, claimed);
        h.public(y);
        h
    }

    #[test]
    fn honest_max_proves() {
        accepts(run(12));
    }

    #[test]
    fn value_below_the_max_is_rejected() {
        rejects(run(3));
    }

    #[test]
    fn value_above_every_input_is_rejected() {
        rejects(run(13));
    }
}
