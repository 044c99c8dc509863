//! The integer sigmoid: a 4096-entry table over [−8, 8) in steps of 1/256, shared bit for
//! bit by the reference inference and the circuit's lookup.
//!
//! For `x` at scale `2^k` (k ≥ 8): `t = floor((x + 2^(k−9)) / 2^(k−8))` (x·256, rounded),
//! `i = clamp(t + 2048, 0, 4095)`, `y = T[i] · 2^(k − min(k, 16))` where
//! `T[i] = min(round(σ((i − 2048)/256) · 2^min(k, 16)), 65535)`.
//! The table is computed with `+ − × ÷` only, so it is the same on every IEEE machine.

/// Entries in the table.
pub const TABLE_LEN: usize = 4096;
/// log2 of the steps per unit (1/256).
pub const STEP_BITS: u32 = 8;
/// Offset of zero in the table.
pub const OFFSET: i64 = 2048;
/// The smallest scale the sigmoid supports.
pub const MIN_SCALE_BITS: u32 = STEP_BITS;

/// `e^x` for |x| ≤ 16 with basic arithmetic only (Taylor series of `e^(x/1024)`, squared
/// ten times): deterministic across platforms, unlike `f64::exp`.
pub(crate) fn exp(x: f64) -> f64 {
    let y = x / 1024.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=12 {
        term = term * y / f64::from(n);
        sum += term;
    }
    for _ in 0..10 {
        sum *= sum;
    }
    sum
}

/// Scale bits of the table's values.
pub fn table_bits(k: u32) -> u32 {
    k.min(16)
}

/// The table for scale `2^k`.
pub fn table(k: u32) -> Vec<u16> {
    let scale = f64::from(1u32 << table_bits(k));
    (0..TABLE_LEN as i64)
        .map(|i| {
            let v = (i - OFFSET) as f64 / f64::from(1u32 << STEP_BITS);
            let s = 1.0 / (1.0 + exp(-v));
            (s * scale).round().min(65535.0) as u16
        })
        .collect()
}

/// `t = floor((x + 2^(k−9)) / 2^(k−8))` and its remainder.
pub fn step(x: i64, k: u32) -> (i64, i64) {
    let shift = k - STEP_BITS;
    let half = if shift == 0 { 0 } else { 1i64 << (shift - 1) };
    let shifted = x + half;
    (shifted.div_euclid(1 << shift), shifted.rem_euclid(1 << shift))
}

/// The table index of step `t`.
pub fn index(t: i64) -> usize {
    (t + OFFSET).clamp(0, TABLE_LEN as i64 - 1) as usize
}

/// The integer sigmoid of `x` at scale `2^k`, with a precomputed `table(k)`.
pub fn sigmoid(x: i64, k: u32, table: &[u16]) -> i64 {
    i64::from(table[index(step(x, k).0)]) << (k - table_bits(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_tracks_the_logistic_function() {
        let t = table(16);
        assert_eq!(t[OFFSET as usize], 32768);
        for (i, &v) in t.iter().enumerate() {
            let x = (i as f64 - 2048.0) / 256.0;
            let exact = 65536.0 / (1.0 + (-x).exp());
            assert!((f64::from(v) - exact.min(65535.0)).abs() <= 1.0, "entry {i}");
        }
        assert!(t.windows(2).all(|w| w[0] <= w[1]), "monotone");
    }

    #[test]
    fn integer_sigmoid_is_close_to_the_real_one() {
        let k = 16;
        let t = table(k);
        for x in [-20.0, -8.0, -1.3, 0.0, 0.001, 2.5, 7.99, 30.0] {
            let q = (x * 65536.0f64).round() as i64;
            let got = sigmoid(q, k, &t) as f64 / 65536.0;
            let want = 1.0 / (1.0 + (-x).exp());
            assert!((got - want).abs() < 1.0 / 256.0, "σ({x}) = {got}, want {want}");
        }
    }
}
