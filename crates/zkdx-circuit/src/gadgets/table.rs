//! A private index into a table of 4,096 constants, without plonky2's lookup argument
//! (whose polynomials are not blinded, so their openings single out a private index).
//!
//! The index is written in two base-64 digits `i = 64·h + l`, each as a one-hot vector of
//! boolean hints (`Σ = 1`, and `Σ 64·j·a_j + Σ j·b_j = i`). The table, as a 64 × 64
//! matrix of constants, times the low digit's one-hot vector gives the column
//! `u_h = T[64·h + l]` ([`MatVecGate`] rows, so the verifier data binds the table), and
//! `T[i] = Σ a_h·u_h`. Every value sits in ordinary, blinded witness columns.

use plonky2::iop::target::{BoolTarget, Target};

use super::dense::mat_vec;
use super::Builder;
use crate::gates::mat_vec::MatVecGate;

/// The base of the table index's two digits (tables hold `BASE²` entries).
pub const BASE: usize = 64;

/// The one-hot hint vector of table index `index`: the high digit's 64 flags, then the low
/// digit's.
pub fn one_hot(index: usize) -> [bool; 2 * BASE] {
    let mut flags = [false; 2 * BASE];
    flags[(index / BASE) % BASE] = true;
    flags[BASE + index % BASE] = true;
    flags
}

/// A table of `BASE²` values as the rows of the selection matrix (`rows[h][l] = T[64h + l]`);
/// compute it once per circuit.
pub fn rows(table: &[i64]) -> Vec<Vec<i64>> {
    table.chunks(BASE).map(<[i64]>::to_vec).collect()
}

/// `Σ_j flags[j]` and `Σ_j weight·j·flags[j]` in mat-vec rows.
fn count_and_position(b: &mut Builder, gate: MatVecGate, flags: &[BoolTarget], weight: i64) -> (Target, Target) {
    let ones = vec![1i64; flags.len()];
    let positions: Vec<i64> = (0..flags.len() as i64).map(|j| weight * j).collect();
    let xs: Vec<Target> = flags.iter().map(|f| f.target).collect();
    let out = mat_vec(b, gate, &[&ones, &positions], &xs, &[0, 0]);
    (out[0], out[1])
}

/// `T[index]` for a private `index` (an index outside `[0, 4096)` has no digits, so it
/// cannot be proved), with the table `rows` from [`rows`]; returns the value and the
/// one-hot flags (hints, in [`one_hot`]'s order).
pub fn select(
    b: &mut Builder,
    gate: MatVecGate,
    rows: &[Vec<i64>],
    index: Target,
) -> Result<(Target, Vec<BoolTarget>), String> {
    if rows.len() != BASE || rows.iter().any(|r| r.len() != BASE) {
        return Err(format!("a selection table is {BASE} rows of {BASE} values"));
    }
    let flags: Vec<BoolTarget> = (0..2 * BASE).map(|_| b.add_virtual_bool_target_safe()).collect();
    let (high, low) = flags.split_at(BASE);
    let one = b.one();
    let (high_count, high_value) = count_and_position(b, gate, high, BASE as i64);
    let (low_count, low_value) = count_and_position(b, gate, low, 1);
    b.connect(high_count, one);
    b.connect(low_count, one);
    let digits = b.add(high_value, low_value);
    b.connect(digits, index);
    let row_refs: Vec<&[i64]> = rows.iter().map(Vec::as_slice).collect();
    let low_xs: Vec<Target> = low.iter().map(|f| f.target).collect();
    let column = mat_vec(b, gate, &row_refs, &low_xs, &vec![0; rows.len()]);
    let mut y = b.zero();
    for (h, u) in high.iter().zip(column) {
        y = b.mul_add(h.target, u, y);
    }
    Ok((y, flags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::testing::Harness;

    /// Any table that is not 64 rows of 64 values is refused, whichever dimension is wrong
    /// (the mutation run found the shape check's `||` untested).
    #[test]
    fn a_table_of_the_wrong_shape_is_refused() {
        let mut h = Harness::new();
        let gate = crate::config::mat_vec_gate(&h.b.config);
        let index = h.private(0);
        let good = rows(&vec![1; BASE * BASE]);
        assert!(select(&mut h.b, gate, &good, index).is_ok());
        let mut short_row = good.clone();
        short_row[3].pop();
        let few_rows = good[1..].to_vec();
        for bad in [short_row, few_rows] {
            let e = select(&mut h.b, gate, &bad, index).err().unwrap_or_default();
            assert!(e.contains("64 rows of 64 values"), "{e}");
        }
    }
}
