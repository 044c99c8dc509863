//! The fixed-point scheme, in one place.
//!
//! Every activation is an integer `q` standing for `q / 2^k` (`k` = the graph's scale bits).
//! Weights and per-element constants are at scale `2^k`, biases at `2^(2k)` so that they add
//! straight into a product's accumulator. After each product the accumulator `a` (scale
//! `2^(2k)`) is brought back to scale `2^k` by [`rescale`]: `q = floor((a + 2^(k-1)) / 2^k)`,
//! i.e. round to nearest, ties up. In the circuit this is `a + 2^(k-1) = q·2^k + r` with
//! `0 ≤ r < 2^k` and `q` range-checked, which has exactly one solution.

/// Quantise a real number at scale `2^bits`, rounding to nearest (ties away from zero).
pub fn quantise(v: f64, bits: u32) -> i64 {
    (v * f64::from(bits).exp2()).round() as i64
}

/// Back to a real number.
pub fn dequantise(q: i64, bits: u32) -> f64 {
    q as f64 / f64::from(bits).exp2()
}

/// `floor((acc + 2^(bits-1)) / 2^bits)` and its remainder, as the circuit constrains them.
pub fn rescale(acc: i128, bits: u32) -> (i128, i128) {
    let half = if bits == 0 { 0 } else { 1i128 << (bits - 1) };
    let shifted = acc + half;
    let q = shifted.div_euclid(1i128 << bits);
    let r = shifted.rem_euclid(1i128 << bits);
    (q, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescale_rounds_to_nearest_ties_up() {
        assert_eq!(rescale(5 * 16 + 7, 4), (5, 15));
        assert_eq!(rescale(5 * 16 + 8, 4), (6, 0));
        assert_eq!(rescale(-5 * 16 - 8, 4), (-5, 0));
        assert_eq!(rescale(-5 * 16 - 9, 4), (-6, 15));
        for acc in -1000i128..1000 {
            let (q, r) = rescale(acc, 5);
            assert_eq!(acc + 16, q * 32 + r);
            assert!((0..32).contains(&r));
            assert!((q as f64 - acc as f64 / 32.0).abs() <= 0.5);
        }
    }

    #[test]
    fn quantise_round_trips() {
        assert_eq!(quantise(1.5, 4), 24);
        assert_eq!(quantise(-0.03125, 5), -1);
        assert!((dequantise(quantise(1.23456, 16), 16) - 1.23456).abs() < 1e-5);
    }
}
