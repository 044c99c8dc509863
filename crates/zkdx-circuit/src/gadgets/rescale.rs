//! Rescale: bring an accumulator at scale 2^(2k) back to 2^k, rounding to nearest.
//!
//! [`rescale_in_gate`] does it (and a following ReLU) in a [`RescaleGate`] slot, several per
//! row, with the witness computed by the gate. [`rescale`] is the general form on range
//! checks, for odd scales or quotients too wide for the gate:
//! hints `q`, `r` with `acc + 2^(k−1) = q·2^k + r`, `0 ≤ r < 2^k` and `q − q_lo ∈ [0, 2^m)`.
//! With `m + k ≤ 63` the solution is unique: two solutions would give
//! `(q − q')·2^k = r' − r` with both sides smaller than p in magnitude.

use plonky2::field::types::Field;
use plonky2::iop::target::Target;

use super::range::{assert_range, MAX_BITS};
use super::Builder;
use crate::field::F;
use crate::gates::rescale::RescaleGate;

/// The smallest odd `m` with `[lo, hi] ⊂ [−2^(m−1), 2^(m−1))`: the quotient width a
/// [`RescaleGate`] needs for an output interval.
pub fn gate_quotient_bits(lo: i128, hi: i128) -> u32 {
    let need = (-lo).max(hi + 1).max(1);
    let mut m = 1;
    while (1i128 << (m - 1)) < need {
        m += 1;
    }
    if m % 2 == 0 {
        m + 1
    } else {
        m
    }
}

/// Rescale `acc` (which already includes the rounding half) in a slot of `gate`; the output
/// is the quotient, or its ReLU when `gate.relu`.
pub fn rescale_in_gate(b: &mut Builder, gate: RescaleGate, acc: Target) -> Target {
    let (row, op) = b.find_slot(gate, &[], &[]);
    b.connect(acc, Target::wire(row, gate.wire_acc(op)));
    Target::wire(row, gate.wire_output(op))
}

/// The hints of one rescale.
#[derive(Debug, Clone, Copy)]
pub struct RescaleTargets {
    /// The rescaled value (the op's output).
    pub q: Target,
    /// The remainder.
    pub r: Target,
}

/// Constrain `shifted = q·2^k + r` (`shifted` already includes the rounding half) with `q`
/// in `[q_lo, q_lo + 2^q_bits)` and `r` in `[0, 2^k)`.
pub fn rescale(b: &mut Builder, shifted: Target, k: u32, q_lo: i128, q_bits: u32) -> Result<RescaleTargets, String> {
    if q_bits + k > MAX_BITS {
        return Err(format!("a rescale quotient of {q_bits} bits at scale 2^{k} would not be unique in the field"));
    }
    let q = b.add_virtual_target();
    let r = b.add_virtual_target();
    let recombined = b.mul_const_add(F::from_canonical_u64(1 << k), q, r);
    b.connect(shifted, recombined);
    assert_range(b, r, 0, k);
    assert_range(b, q, q_lo, q_bits);
    Ok(RescaleTargets { q, r })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{to_field, to_signed};
    use crate::gadgets::testing::{accepts, rejects, Harness};
    use zkdx_model::fixed;

    const K: u32 = 8;

    fn run(acc: i128, q: i128, r: i128) -> Harness {
        let mut h = Harness::new();
        let a = h.private(acc + (1 << (K - 1)));
        let t = rescale(&mut h.b, a, K, -(1 << 20), 21).unwrap_or_else(|e| unreachable!("{e}"));
        h.set(t.q, q);
        h.set(t.r, r);
        h.public(t.q);
        h
    }

    #[test]
    fn the_widest_unique_quotient_is_accepted_and_one_bit_more_refused() {
        let mut h = Harness::new();
        let a = h.private(0);
        assert!(rescale(&mut h.b, a, K, 0, MAX_BITS - K).is_ok(), "q_bits + k = MAX_BITS is still unique");
        let e = rescale(&mut h.b, a, K, 0, MAX_BITS - K + 1).err().unwrap_or_default();
        assert!(e.contains("would not be unique"), "{e}");
    }

    #[test]
    fn honest_rescale_proves() {
        for acc in [0i128, 1000, -1000, 127, 128, -129, 65_000] {
            let (q, r) = fixed::rescale(acc, K);
            accepts(run(acc, q, r));
        }
    }

    #[test]
    fn wrong_quotient_is_rejected() {
        // q off by one with the remainder adjusted to keep the equation: r leaves [0, 2^k)
        let (q, r) = fixed::rescale(1000, K);
        rejects(run(1000, q + 1, r - (1 << K)));
        rejects(run(1000, q - 1, r + (1 << K)));
    }

    #[test]
    fn wrong_remainder_is_rejected() {
        let (q, r) = fixed::rescale(1000, K);
        rejects(run(1000, q, r + 1));
    }

    #[test]
    fn out_of_range_remainder_is_rejected() {
        // a field-wrapping solution: r negative (≡ p − x), q compensating exactly in the field
        let (q, r) = fixed::rescale(1000, K);
        let wrapped_r = r - (1 << K) * 3;
        rejects(run(1000, q + 3, wrapped_r));
        // q chosen so the equation holds modulo p with a small r but q far out of range
        let inv = F::from_canonical_u64(1 << K).inverse();
        let q_field = (to_field(1000 + (1 << (K - 1))) - to_field(r + 1)) * inv;
        let mut h = Harness::new();
        let a = h.private(1000 + (1 << (K - 1)));
        let t = rescale(&mut h.b, a, K, -(1 << 20), 21).unwrap_or_else(|e| unreachable!("{e}"));
        h.set_field(t.q, q_field);
        h.set(t.r, r + 1);
        rejects(h);
    }

    mod gate {
        use super::*;
        use plonky2::iop::target::Target;

        const K: u32 = 8;
        const M: u32 = 15;

        fn gate(relu: bool) -> RescaleGate {
            RescaleGate::new(&crate::config::for_model(0), K, M, relu).unwrap_or_else(|| unreachable!())
        }

        /// The accumulators (plus half) go through the gate; the outputs are public. Returns
        /// the harness and, for each op, its (row, slot).
        fn run(accs: &[i128], relu: bool) -> (Harness, Vec<(usize, usize)>) {
            let mut h = Harness::new();
            let g = gate(relu);
            let mut slots = Vec::new();
            for &a in accs {
                let t = h.private(a + (1 << (K - 1)));
                let y = rescale_in_gate(&mut h.b, g, t);
                h.public(y);
                if let Target::Wire(w) = y {
                    slots.push((w.row, (w.column - 1) / 2));
                }
            }
            (h, slots)
        }

        const ACCS: [i128; 7] = [0, 1000, -1000, 127, 128, -129, (1 << 21) - 200];

        #[test]
        fn honest_rescale_matches_reference() {
            for relu in [false, true] {
                let (h, slots) = run(&ACCS, relu);
                assert!(slots.windows(2).any(|w| w[0].0 == w[1].0), "several ops share a row");
                let out = accepts(h);
                for (&a, &o) in ACCS.iter().zip(&out) {
                    let q = fixed::rescale(a, K).0;
                    assert_eq!(to_signed(o), if relu { q.max(0) } else { q }, "acc {a}");
                }
            }
        }

        #[test]
        fn out_of_range_accumulator_cannot_be_proved() {
            rejects(run(&[1 << 22], false).0);
        }

        /// The accumulator (before the rounding half is added) that reaches `acc` in the gate.
        fn before_half(acc: i128) -> i128 {
            acc - (1 << (K - 1))
        }

        #[test]
        fn the_range_ends_are_proved_and_one_past_them_is_refused_by_the_honest_prover() {
            // the gate holds acc in [−2^(k+m−1), 2^(k+m−1)): both ends prove, with the
            // reference's quotients −2^(m−1) and 2^(m−1) − 1
            let half_range: i128 = 1 << (K + M - 1);
            let ends = [before_half(-half_range), before_half(half_range - 1)];
            let out = accepts(run(&ends, false).0);
            for (&a, &o) in ends.iter().zip(&out) {
                assert_eq!(to_signed(o), fixed::rescale(a, K).0, "acc {a}");
            }
            // one past either end, or far beyond: the honest generator refuses before any
            // constraint is tried (plonky2 1.1 reports a generator's error as generators that
            // were not run; a generator that wrote digits instead would fail at the
            // constraints, with another message)
            for acc in [half_range, -half_range - 1, 1 << 40, -(1 << 40)] {
                let err = run(&[before_half(acc)], false).0.prove_and_verify().unwrap_err();
                assert!(err.contains("generators weren't run"), "acc {acc}: {err}");
            }
        }

        fn tampered(relu: bool, op: usize, edit: impl Fn(&RescaleGate, usize, usize, &mut Harness)) {
            let (mut h, slots) = run(&ACCS, relu);
            let (row, slot) = slots[op];
            edit(&gate(relu), row, slot, &mut h);
            rejects(h);
        }

        fn wire(row: usize, column: usize) -> Target {
            Target::wire(row, column)
        }

        #[test]
        fn wrong_output_is_rejected() {
            for relu in [false, true] {
                for (op, &acc) in ACCS.iter().enumerate() {
                    let q = fixed::rescale(acc, K).0;
                    let honest = if relu { q.max(0) } else { q };
                    tampered(relu, op, |g, r, s, h| h.tamper(wire(r, g.wire_output(s)), to_field(honest + 1)));
                }
            }
        }

        #[test]
        fn negative_value_through_relu_is_rejected() {
            // acc −1000: the quotient −4 passed through the ReLU instead of 0
            tampered(true, 2, |g, r, s, h| h.tamper(wire(r, g.wire_output(s)), to_field(-4)));
            // or the sign bit cleared to claim a positive quotient
            tampered(true, 2, |g, r, s, h| h.tamper(wire(r, g.wire_negative(s)), F::ZERO));
        }

        #[test]
        fn positive_value_zeroed_is_rejected() {
            tampered(true, 1, |g, r, s, h| h.tamper(wire(r, g.wire_output(s)), F::ZERO));
            tampered(true, 1, |g, r, s, h| h.tamper(wire(r, g.wire_negative(s)), F::ONE));
        }

        #[test]
        fn digit_out_of_range_is_rejected() {
            // 1000 + 128 = 1128: digit 0 is 0 and digit 1 is 2 (1128 = 4·282); move one unit of
            // digit 1 into digit 0 as 4: the sum holds, only the digit range check stops it
            tampered(false, 1, |g, r, s, h| {
                h.tamper(wire(r, g.wire_digit(s, 0)), F::from_canonical_u64(4));
                h.tamper(wire(r, g.wire_digit(s, 1)), F::ONE);
            });
        }

        #[test]
        fn sign_borrowed_from_the_top_digit_is_rejected() {
            // acc 1000 (positive): set the sign bit and add 4 to the top digit. 4·4^(L−1) is
            // 2^(k+m−1), so the decomposition still holds; with ReLU the output becomes 0, and
            // only the top digit's range check stops it
            for relu in [false, true] {
                let acc: u64 = 1000 + (1 << (K - 1));
                tampered(relu, 1, |g, r, s, h| {
                    let top = g.digits() - 1;
                    h.tamper(wire(r, g.wire_digit(s, top)), F::from_canonical_u64(((acc >> (2 * top)) & 3) + 4));
                    h.tamper(wire(r, g.wire_negative(s)), F::ONE);
                    if relu {
                        h.tamper(wire(r, g.wire_output(s)), F::ZERO);
                    }
                });
            }
        }

        #[test]
        fn an_accumulator_one_past_the_range_is_rejected_with_all_its_digits_given() {
            // acc 2^(k+m−1), decomposed honestly into as many base-4 digits as the gate has,
            // with the quotient 2^(m−1) those digits imply: a gate with one digit more than
            // (k+m−1)/2 would hold it and output a quotient outside [−2^(m−1), 2^(m−1));
            // the gate's own digits are all zero for it, so the sum refuses
            let acc: u64 = 1 << (K + M - 1);
            let (mut h, slots) = run(&[i128::from(acc) - (1 << (K - 1))], false);
            let (row, slot) = slots[0];
            let g = gate(false);
            for j in 0..g.digits() {
                let digit = acc.checked_shr(2 * j as u32).unwrap_or(0) & 3;
                h.tamper(wire(row, g.wire_digit(slot, j)), F::from_canonical_u64(digit));
            }
            h.tamper(wire(row, g.wire_negative(slot)), F::ZERO);
            h.tamper(wire(row, g.wire_output(slot)), F::from_canonical_u64(acc >> K));
            rejects(h);
        }

        #[test]
        fn out_of_range_accumulator_with_digits_given_is_rejected() {
            // acc 2^(k+m−1) is one past the gate's range; the prover gives the digits itself
            // (the low ones of acc, 4 in the top digit, sign 0) and the quotient they imply:
            // the sum holds, only the top digit's range check refuses
            let acc: i128 = 1 << (K + M - 1);
            let (mut h, slots) = run(&[acc - (1 << (K - 1))], false);
            let (row, slot) = slots[0];
            let g = gate(false);
            let top = g.digits() - 1;
            for j in 0..top {
                h.tamper(wire(row, g.wire_digit(slot, j)), F::ZERO);
            }
            h.tamper(wire(row, g.wire_digit(slot, top)), F::from_canonical_u64(4));
            h.tamper(wire(row, g.wire_negative(slot)), F::ZERO);
            h.tamper(wire(row, g.wire_output(slot)), F::from_canonical_u64(1 << (M - 1)));
            rejects(h);
        }

        #[test]
        fn wrapped_decomposition_is_rejected() {
            // a digit at p − 1 with the next raised to compensate: the sum still holds mod p
            tampered(false, 1, |g, r, s, h| {
                h.tamper(wire(r, g.wire_digit(s, 0)), F::NEG_ONE);
                h.tamper(wire(r, g.wire_digit(s, 1)), F::from_canonical_u64(2) + F::from_canonical_u64(4).inverse());
            });
        }

        #[test]
        fn decomposition_of_another_value_is_rejected() {
            // acc 1000: digits (all in range) and output of 2000 instead: only the
            // decomposition equation ties the digits to the accumulator
            let other: u64 = 2000 + (1 << (K - 1));
            for relu in [false, true] {
                tampered(relu, 1, |g, r, s, h| {
                    for j in 0..g.digits() {
                        h.tamper(wire(r, g.wire_digit(s, j)), F::from_canonical_u64((other >> (2 * j)) & 3));
                    }
                    h.tamper(wire(r, g.wire_output(s)), F::from_canonical_u64(other >> K));
                });
            }
        }

        #[test]
        fn non_boolean_sign_is_rejected() {
            // acc 1000 (+128 = 1128 = Σ d_j 4^j with d_0 = 0). Claim d_0 = 1 and neg = 1/2^(k+m−1):
            // the decomposition still holds (1128 + 1 = 1129) and only booleanity stops a
            // wrong output (4 − 1/2^k in the field, or (1 − neg)·4 after ReLU)
            let neg = F::from_canonical_u64(1 << (K + M - 1)).inverse();
            let u = F::from_canonical_u64(4);
            for relu in [false, true] {
                let y = if relu { (F::ONE - neg) * u } else { u - F::from_canonical_u64(1 << (M - 1)) * neg };
                tampered(relu, 1, |g, r, s, h| {
                    h.tamper(wire(r, g.wire_digit(s, 0)), F::ONE);
                    h.tamper(wire(r, g.wire_negative(s)), neg);
                    h.tamper(wire(r, g.wire_output(s)), y);
                });
            }
        }
    }

    #[test]
    fn gate_quotient_bits_cover_the_interval() {
        assert_eq!(gate_quotient_bits(0, 0), 1);
        assert_eq!(gate_quotient_bits(-1, 0), 1);
        assert_eq!(gate_quotient_bits(-2, 1), 3);
        assert_eq!(gate_quotient_bits(-4, 3), 3);
        assert_eq!(gate_quotient_bits(-5, 3), 5);
        assert_eq!(gate_quotient_bits(0, 1 << 20), 23);
    }

    #[test]
    fn refuses_non_unique_widths() {
        let mut h = Harness::new();
        let a = h.private(0);
        assert!(rescale(&mut h.b, a, 16, 0, 48).is_err());
    }
}
