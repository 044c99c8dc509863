//! `RescaleGate`: round-to-nearest rescaling of an accumulator, optionally fused with ReLU,
//! several per row.
//!
//! For an accumulator `acc` (already holding the rounding half) at scale `2^(2k)`, with the
//! quotient known to lie in `[−2^(m−1), 2^(m−1))`, one op holds `L = (k+m−1)/2` base-4 digits
//! `d_j` and a bit `neg`, and constrains
//!
//! - `d_j·(d_j−1)·(d_j−2)·(d_j−3) = 0` and `neg·(neg−1) = 0`;
//! - `acc + 2^(k+m−1)·neg = Σ d_j·4^j`, so `acc ∈ [−2^(k+m−1), 2^(k+m−1))` and `neg` is its sign;
//! - with `u = Σ_{j ≥ k/2} d_j·4^(j−k/2)` (the digits above the remainder):
//!   `y = u − 2^(m−1)·neg` (the quotient `⌊acc / 2^k⌋`), or with ReLU `y = (1 − neg)·u`.
//!
//! With `k + m ≤ 63` the decomposition is unique in the field (`2^(k+m) < p`), so `y` is
//! the only value a prover can give. An unused op (all wires zero) satisfies every constraint.
//! The generator fills an op from its accumulator; values the prover gave in advance win
//! (see `set_unless_given` in [`super`]), which is how the tests play a dishonest prover.

use anyhow::{anyhow, Result};
use plonky2::field::extension::Extendable;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::gates::gate::Gate;
use plonky2::gates::packed_util::PackedEvaluableBase;
use plonky2::gates::util::StridedConstraintConsumer;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator, WitnessGeneratorRef};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::{CircuitConfig, CommonCircuitData};
use plonky2::plonk::vars::{EvaluationTargets, EvaluationVars, EvaluationVarsBaseBatch, EvaluationVarsBasePacked};
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use super::set_unless_given;

/// Largest `k + m`: keeps `2^(k+m)` below the field's order.
pub const MAX_TOTAL_BITS: u32 = 63;

/// Rescale (and optionally ReLU) ops, `num_ops` per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RescaleGate {
    /// `k`: the accumulator is divided by `2^k` (even).
    pub scale_bits: u32,
    /// `m`: the quotient lies in `[−2^(m−1), 2^(m−1))` (odd, so `k + m − 1` is even).
    pub quotient_bits: u32,
    /// Whether the output is `max(quotient, 0)`.
    pub relu: bool,
    /// Ops per row.
    pub num_ops: usize,
}

impl RescaleGate {
    /// The gate for `k`, `m` and `relu` with as many ops per row as `config` allows, or
    /// `None` when `k` is odd, `m` is even or `k + m > 63`.
    pub fn new(config: &CircuitConfig, scale_bits: u32, quotient_bits: u32, relu: bool) -> Option<RescaleGate> {
        if !scale_bits.is_multiple_of(2)
            || quotient_bits.is_multiple_of(2)
            || scale_bits + quotient_bits > MAX_TOTAL_BITS
        {
            return None;
        }
        let per_op = Self::digits_for(scale_bits, quotient_bits) + 3;
        let num_ops = (config.num_wires / per_op).min(config.num_routed_wires / 2);
        (num_ops > 0).then_some(RescaleGate { scale_bits, quotient_bits, relu, num_ops })
    }

    fn digits_for(k: u32, m: u32) -> usize {
        ((k + m - 1) / 2) as usize
    }

    /// Base-4 digits per op.
    pub fn digits(&self) -> usize {
        Self::digits_for(self.scale_bits, self.quotient_bits)
    }
    /// The (routed) accumulator wire of op `i`.
    pub const fn wire_acc(&self, i: usize) -> usize {
        2 * i
    }
    /// The (routed) output wire of op `i`.
    pub const fn wire_output(&self, i: usize) -> usize {
        2 * i + 1
    }
    /// The wire of digit `j` of op `i`.
    pub fn wire_digit(&self, i: usize, j: usize) -> usize {
        2 * self.num_ops + i * (self.digits() + 1) + j
    }
    /// The wire of the sign bit of op `i`.
    pub fn wire_negative(&self, i: usize) -> usize {
        self.wire_digit(i, self.digits())
    }
}

/// The constraints of one op over any value type `T` (extension field, packed base field);
/// `c` lifts a constant.
fn op_constraints<T, W>(g: &RescaleGate, w: &W, i: usize, c: impl Fn(u64) -> T, mut out: impl FnMut(T))
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T>,
    W: std::ops::Index<usize, Output = T> + ?Sized,
{
    let (zero, one, two, three) = (c(0), c(1), c(2), c(3));
    let first_quotient_digit = (g.scale_bits / 2) as usize;
    let mut sum = zero;
    let mut u = zero;
    for j in 0..g.digits() {
        let d = w[g.wire_digit(i, j)];
        out(d * (d - one) * (d - two) * (d - three));
        sum = sum + d * c(1 << (2 * j));
        if j >= first_quotient_digit {
            u = u + d * c(1 << (2 * (j - first_quotient_digit)));
        }
    }
    let neg = w[g.wire_negative(i)];
    out(neg * (neg - one));
    out(w[g.wire_acc(i)] + neg * c(1 << (g.scale_bits + g.quotient_bits - 1)) - sum);
    let y = w[g.wire_output(i)];
    if g.relu {
        out(y - (one - neg) * u);
    } else {
        out(y - u + neg * c(1 << (g.quotient_bits - 1)));
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for RescaleGate {
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_u32(self.scale_bits)?;
        dst.write_u32(self.quotient_bits)?;
        dst.write_bool(self.relu)?;
        dst.write_usize(self.num_ops)
    }

    fn deserialize(src: &mut Buffer, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Ok(RescaleGate {
            scale_bits: src.read_u32()?,
            quotient_bits: src.read_u32()?,
            relu: src.read_bool()?,
            num_ops: src.read_usize()?,
        })
    }

    fn eval_unfiltered(&self, vars: EvaluationVars<F, D>) -> Vec<F::Extension> {
        let mut out = Vec::with_capacity(<Self as Gate<F, D>>::num_constraints(self));
        for i in 0..self.num_ops {
            op_constraints(self, vars.local_wires, i, F::Extension::from_canonical_u64, |v| out.push(v));
        }
        out
    }

    fn eval_unfiltered_base_batch(&self, vars_base: EvaluationVarsBaseBatch<F>) -> Vec<F> {
        self.eval_unfiltered_base_batch_packed(vars_base)
    }

    fn eval_unfiltered_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: EvaluationTargets<D>,
    ) -> Vec<ExtensionTarget<D>> {
        let w = vars.local_wires;
        let mut out = Vec::with_capacity(<Self as Gate<F, D>>::num_constraints(self));
        let first_quotient_digit = (self.scale_bits / 2) as usize;
        let one = builder.one_extension();
        for i in 0..self.num_ops {
            let mut sum = builder.zero_extension();
            let mut u = builder.zero_extension();
            for j in 0..self.digits() {
                let d = w[self.wire_digit(i, j)];
                let d1 = builder.add_const_extension(d, F::NEG_ONE);
                let d2 = builder.add_const_extension(d, -F::TWO);
                let d3 = builder.add_const_extension(d, -F::from_canonical_u64(3));
                out.push(builder.mul_many_extension([d, d1, d2, d3]));
                sum = builder.arithmetic_extension(F::from_canonical_u64(1 << (2 * j)), F::ONE, d, one, sum);
                if j >= first_quotient_digit {
                    let p = F::from_canonical_u64(1 << (2 * (j - first_quotient_digit)));
                    u = builder.arithmetic_extension(p, F::ONE, d, one, u);
                }
            }
            let neg = w[self.wire_negative(i)];
            let neg1 = builder.add_const_extension(neg, F::NEG_ONE);
            out.push(builder.mul_extension(neg, neg1));
            let half_range = F::from_canonical_u64(1 << (self.scale_bits + self.quotient_bits - 1));
            let lhs = builder.arithmetic_extension(half_range, F::ONE, neg, one, w[self.wire_acc(i)]);
            out.push(builder.sub_extension(lhs, sum));
            let y = w[self.wire_output(i)];
            if self.relu {
                // y − (1 − neg)·u = y − u + neg·u
                let nu = builder.mul_extension(neg, u);
                let t = builder.sub_extension(y, u);
                out.push(builder.add_extension(t, nu));
            } else {
                let q_half = F::from_canonical_u64(1 << (self.quotient_bits - 1));
                let t = builder.sub_extension(y, u);
                out.push(builder.arithmetic_extension(q_half, F::ONE, neg, one, t));
            }
        }
        out
    }

    fn generators(&self, row: usize, _local_constants: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        (0..self.num_ops)
            .map(|i| WitnessGeneratorRef::new(RescaleGenerator { gate: *self, row, i }.adapter()))
            .collect()
    }

    fn num_wires(&self) -> usize {
        self.num_ops * (self.digits() + 3)
    }

    fn num_constants(&self) -> usize {
        0
    }

    fn degree(&self) -> usize {
        4
    }

    fn num_constraints(&self) -> usize {
        self.num_ops * (self.digits() + 3)
    }
}

impl<F: RichField + Extendable<D>, const D: usize> PackedEvaluableBase<F, D> for RescaleGate {
    fn eval_unfiltered_base_packed<P: PackedField<Scalar = F>>(
        &self,
        vars: EvaluationVarsBasePacked<P>,
        mut yield_constr: StridedConstraintConsumer<P>,
    ) {
        for i in 0..self.num_ops {
            op_constraints(self, &vars.local_wires, i, |v| P::from(F::from_canonical_u64(v)), |v| yield_constr.one(v));
        }
    }
}

/// Fills one op's digits, sign and output from its accumulator.
#[derive(Debug, Clone, Default)]
pub struct RescaleGenerator {
    gate: RescaleGate,
    row: usize,
    i: usize,
}

impl<F: RichField + Extendable<D>, const D: usize> SimpleGenerator<F, D> for RescaleGenerator {
    fn id(&self) -> String {
        "RescaleGenerator".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        vec![Target::wire(self.row, self.gate.wire_acc(self.i))]
    }

    fn run_once(&self, witness: &PartitionWitness<F>, out_buffer: &mut GeneratedValues<F>) -> Result<()> {
        let g = &self.gate;
        let wire = |w: usize| Target::wire(self.row, w);
        let outputs = (0..=g.digits()).map(|j| g.wire_digit(self.i, j)).chain([g.wire_output(self.i)]);
        if outputs.into_iter().all(|w| witness.try_get_target(wire(w)).is_some()) {
            // everything given in advance (a dishonest prover): only the constraints decide
            return Ok(());
        }
        let acc = witness.get_target(wire(g.wire_acc(self.i)));
        let half_range: u64 = 1 << (g.scale_bits + g.quotient_bits - 1);
        // acc as a signed integer: values above p/2 are negative
        let v = acc.to_canonical_u64();
        let (neg, low) = if v < half_range {
            (0u64, v)
        } else {
            let magnitude = F::ORDER - v;
            if v <= F::ORDER / 2 || magnitude > half_range {
                return Err(anyhow!("a rescale accumulator is outside the range the bound analysis gave"));
            }
            (1u64, half_range - magnitude)
        };
        for j in 0..g.digits() {
            let d = F::from_canonical_u64((low >> (2 * j)) & 3);
            set_unless_given(witness, out_buffer, wire(g.wire_digit(self.i, j)), d)?;
        }
        set_unless_given(witness, out_buffer, wire(g.wire_negative(self.i)), F::from_canonical_u64(neg))?;
        let u = F::from_canonical_u64(low >> g.scale_bits);
        let y = if g.relu {
            if neg == 1 {
                F::ZERO
            } else {
                u
            }
        } else {
            u - F::from_canonical_u64(neg << (g.quotient_bits - 1))
        };
        set_unless_given(witness, out_buffer, wire(g.wire_output(self.i)), y)
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_u32(self.gate.scale_bits)?;
        dst.write_u32(self.gate.quotient_bits)?;
        dst.write_bool(self.gate.relu)?;
        dst.write_usize(self.gate.num_ops)?;
        dst.write_usize(self.row)?;
        dst.write_usize(self.i)
    }

    fn deserialize(src: &mut Buffer, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let gate = RescaleGate {
            scale_bits: src.read_u32()?,
            quotient_bits: src.read_u32()?,
            relu: src.read_bool()?,
            num_ops: src.read_usize()?,
        };
        Ok(RescaleGenerator { gate, row: src.read_usize()?, i: src.read_usize()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{C, D, F};
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};

    fn gates() -> Vec<RescaleGate> {
        let config = crate::config::for_model(usize::MAX);
        [(16, 31, true), (16, 31, false), (8, 15, true), (16, 47, false)]
            .into_iter()
            .filter_map(|(k, m, relu)| RescaleGate::new(&config, k, m, relu))
            .collect()
    }

    #[test]
    fn ids_tell_variants_apart() {
        // plonky2 identifies gates by `id()`: two variants with one id would share one set
        // of constraints
        let ids: Vec<String> = gates().iter().map(Gate::<F, D>::id).collect();
        for (i, a) in ids.iter().enumerate() {
            assert!(a.contains("Rescale"), "{a}");
            assert!(ids[i + 1..].iter().all(|b| a != b), "{ids:?}");
        }
    }

    #[test]
    fn shapes() {
        let config = crate::config::for_model(usize::MAX);
        assert!(RescaleGate::new(&config, 15, 31, true).is_none(), "odd k");
        assert!(RescaleGate::new(&config, 16, 30, true).is_none(), "even m");
        assert!(RescaleGate::new(&config, 16, 49, true).is_none(), "k + m > 63");
        assert_eq!(gates().len(), 4);
        for g in gates() {
            assert!(<RescaleGate as Gate<F, D>>::num_wires(&g) <= config.num_wires);
            assert!(g.wire_output(g.num_ops - 1) < config.num_routed_wires);
        }
    }

    #[test]
    fn low_degree() {
        for g in gates() {
            test_low_degree::<F, _, D>(g);
        }
    }

    #[test]
    fn eval_fns() -> anyhow::Result<()> {
        for g in gates() {
            test_eval_fns::<F, C, _, D>(g)?;
        }
        Ok(())
    }
}
