//! `MatVecGate`: one row computes `p` dot products over one shared chunk of `m` inputs,
//! `out_i = in_i + Σ_j w[i·m + j]·x_j`, with the `p·m` weights in the row's constants (so
//! the verifier data commits to them). Routed wires: the `m` inputs, then `(in_i, out_i)`
//! per output. One degree-2 constraint per output; `p·m` multiply-adds per row.

use anyhow::{anyhow, Result};
use plonky2::field::extension::Extendable;
use plonky2::field::packed::PackedField;
use plonky2::gates::gate::Gate;
use plonky2::gates::packed_util::PackedEvaluableBase;
use plonky2::gates::util::StridedConstraintConsumer;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator, WitnessGeneratorRef};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::plonk::vars::{EvaluationTargets, EvaluationVars, EvaluationVarsBaseBatch, EvaluationVarsBasePacked};
use plonky2::util::serialization::{Buffer, IoResult, Read, Write};

use super::set_unless_given;

/// A block of `outputs` dot products over `inputs` shared inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatVecGate {
    /// Inputs per row (`m`).
    pub inputs: usize,
    /// Outputs per row (`p`).
    pub outputs: usize,
}

impl MatVecGate {
    /// The wire of input `j`.
    pub const fn wire_input(&self, j: usize) -> usize {
        j
    }
    /// The wire of the incoming accumulator of output `i`.
    pub const fn wire_acc_in(&self, i: usize) -> usize {
        self.inputs + 2 * i
    }
    /// The wire of the outgoing accumulator of output `i`.
    pub const fn wire_acc_out(&self, i: usize) -> usize {
        self.inputs + 2 * i + 1
    }
    /// The constant holding the weight of input `j` in output `i`.
    pub const fn constant_weight(&self, i: usize, j: usize) -> usize {
        i * self.inputs + j
    }
    /// Multiply-adds per row.
    pub const fn macs(&self) -> usize {
        self.inputs * self.outputs
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for MatVecGate {
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_usize(self.inputs)?;
        dst.write_usize(self.outputs)
    }

    fn deserialize(src: &mut Buffer, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Ok(MatVecGate { inputs: src.read_usize()?, outputs: src.read_usize()? })
    }

    fn eval_unfiltered(&self, vars: EvaluationVars<F, D>) -> Vec<F::Extension> {
        (0..self.outputs)
            .map(|i| {
                let mut acc = vars.local_wires[self.wire_acc_in(i)];
                for j in 0..self.inputs {
                    acc += vars.local_constants[self.constant_weight(i, j)] * vars.local_wires[self.wire_input(j)];
                }
                vars.local_wires[self.wire_acc_out(i)] - acc
            })
            .collect()
    }

    fn eval_unfiltered_base_batch(&self, vars_base: EvaluationVarsBaseBatch<F>) -> Vec<F> {
        self.eval_unfiltered_base_batch_packed(vars_base)
    }

    fn eval_unfiltered_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: EvaluationTargets<D>,
    ) -> Vec<ExtensionTarget<D>> {
        (0..self.outputs)
            .map(|i| {
                let mut acc = vars.local_wires[self.wire_acc_in(i)];
                for j in 0..self.inputs {
                    acc = builder.mul_add_extension(
                        vars.local_constants[self.constant_weight(i, j)],
                        vars.local_wires[self.wire_input(j)],
                        acc,
                    );
                }
                builder.sub_extension(vars.local_wires[self.wire_acc_out(i)], acc)
            })
            .collect()
    }

    fn generators(&self, row: usize, local_constants: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        let weights = local_constants.iter().take(self.macs()).copied().collect();
        vec![WitnessGeneratorRef::new(MatVecGenerator { gate: *self, row, weights }.adapter())]
    }

    fn num_wires(&self) -> usize {
        self.inputs + 2 * self.outputs
    }

    fn num_constants(&self) -> usize {
        self.macs()
    }

    fn degree(&self) -> usize {
        2
    }

    fn num_constraints(&self) -> usize {
        self.outputs
    }
}

impl<F: RichField + Extendable<D>, const D: usize> PackedEvaluableBase<F, D> for MatVecGate {
    fn eval_unfiltered_base_packed<P: PackedField<Scalar = F>>(
        &self,
        vars: EvaluationVarsBasePacked<P>,
        mut yield_constr: StridedConstraintConsumer<P>,
    ) {
        for i in 0..self.outputs {
            let mut acc = vars.local_wires[self.wire_acc_in(i)];
            for j in 0..self.inputs {
                acc += vars.local_constants[self.constant_weight(i, j)] * vars.local_wires[self.wire_input(j)];
            }
            yield_constr.one(vars.local_wires[self.wire_acc_out(i)] - acc);
        }
    }
}

/// Fills a row's outgoing accumulators from its inputs and incoming accumulators.
#[derive(Debug, Clone, Default)]
pub struct MatVecGenerator<F> {
    gate: MatVecGate,
    row: usize,
    weights: Vec<F>,
}

impl Default for MatVecGate {
    fn default() -> Self {
        MatVecGate { inputs: 1, outputs: 1 }
    }
}

impl<F: RichField + Extendable<D>, const D: usize> SimpleGenerator<F, D> for MatVecGenerator<F> {
    fn id(&self) -> String {
        "MatVecGenerator".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        let g = &self.gate;
        (0..g.inputs)
            .map(|j| g.wire_input(j))
            .chain((0..g.outputs).map(|i| g.wire_acc_in(i)))
            .map(|w| Target::wire(self.row, w))
            .collect()
    }

    fn run_once(&self, witness: &PartitionWitness<F>, out_buffer: &mut GeneratedValues<F>) -> Result<()> {
        let g = &self.gate;
        let get = |w: usize| witness.get_target(Target::wire(self.row, w));
        let xs: Vec<F> = (0..g.inputs).map(|j| get(g.wire_input(j))).collect();
        for i in 0..g.outputs {
            let mut acc = get(g.wire_acc_in(i));
            for (j, &x) in xs.iter().enumerate() {
                let w = self.weights.get(g.constant_weight(i, j)).ok_or_else(|| anyhow!("missing weight"))?;
                acc += *w * x;
            }
            set_unless_given(witness, out_buffer, Target::wire(self.row, g.wire_acc_out(i)), acc)?;
        }
        Ok(())
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        dst.write_usize(self.gate.inputs)?;
        dst.write_usize(self.gate.outputs)?;
        dst.write_usize(self.row)?;
        dst.write_field_vec(&self.weights)
    }

    fn deserialize(src: &mut Buffer, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let gate = MatVecGate { inputs: src.read_usize()?, outputs: src.read_usize()? };
        let row = src.read_usize()?;
        let n = gate.macs();
        Ok(MatVecGenerator { gate, row, weights: src.read_field_vec(n)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{C, D, F};
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};

    #[test]
    fn wire_and_constant_counts_are_exactly_what_the_layout_uses() {
        // an overstated count would not break a proof but would waste or overflow a row
        // (a 16 × 8 gate must fit the large config's 135 wires)
        for (inputs, outputs) in [(16, 8), (16, 4), (16, 2), (8, 2), (1, 1)] {
            let g = MatVecGate { inputs, outputs };
            assert_eq!(Gate::<F, D>::num_wires(&g), g.wire_acc_out(outputs - 1) + 1);
            assert_eq!(Gate::<F, D>::num_constants(&g), g.constant_weight(outputs - 1, inputs - 1) + 1);
            assert_eq!(Gate::<F, D>::num_constraints(&g), outputs);
        }
    }

    #[test]
    fn ids_tell_shapes_apart() {
        // plonky2 identifies gates by `id()` (GateRef equality, the gate set, selectors):
        // two shapes with one id would be taken for one gate with one set of constraints
        let id = |inputs, outputs| Gate::<F, D>::id(&MatVecGate { inputs, outputs });
        assert_ne!(id(16, 8), id(16, 4));
        assert_ne!(id(16, 8), id(8, 16));
        assert!(id(16, 8).contains("MatVec"));
    }

    #[test]
    fn low_degree() {
        test_low_degree::<F, _, D>(MatVecGate { inputs: 16, outputs: 8 });
        test_low_degree::<F, _, D>(MatVecGate { inputs: 16, outputs: 4 });
        test_low_degree::<F, _, D>(MatVecGate { inputs: 16, outputs: 2 });
    }

    #[test]
    fn eval_fns() -> anyhow::Result<()> {
        test_eval_fns::<F, C, _, D>(MatVecGate { inputs: 16, outputs: 8 })?;
        test_eval_fns::<F, C, _, D>(MatVecGate { inputs: 16, outputs: 2 })?;
        test_eval_fns::<F, C, _, D>(MatVecGate { inputs: 3, outputs: 2 })
    }
}
