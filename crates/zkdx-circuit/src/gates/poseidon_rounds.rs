//! `PoseidonRoundsGate`: a slice of plonky2's Poseidon permutation (Goldilocks, width 12) in
//! one row, so that a whole permutation takes a few narrow rows instead of plonky2's
//! 135-wire `PoseidonGate`.
//!
//! Why: every committed wire column is Merkle-hashed at every point of the low-degree
//! extension, so a circuit's width is paid on every proof. The model circuit hashes only a
//! few dozen elements (the input commitment and plonky2's public-input hash), yet the one
//! 135-wire gate those hashes need used to set the width of the whole circuit. With this
//! gate a permutation's widest row is [`MAX_WIRES`] wires.
//!
//! A permutation is three rows: the first four full rounds, the 22 partial rounds, the last
//! four full rounds (see [`PoseidonRoundsGate::permutation`]). Each row's wires:
//!
//! - `0..12`: the state coming in (routed: it is the previous row's outgoing state);
//! - `12..24`: the state going out (routed);
//! - then one S-box input per S-box except those of the row's first round, which are
//!   degree-7 functions of the incoming state: `12·(count − 1)` for full rounds, 22 for the
//!   partial rounds.
//!
//! Constraints: every stored S-box input equals the state computed from the row's earlier
//! wires, and the outgoing state equals the state after the row's last round (degree 7).
//! The arithmetic is plonky2's own (`Poseidon`'s constant, S-box and MDS layers, and the
//! fast partial rounds), so a chain of rows computes exactly `PoseidonHash`'s permutation;
//! the tests check it against the native permutation.

use anyhow::Result;
use plonky2::field::extension::Extendable;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::gates::gate::Gate;
use plonky2::gates::packed_util::PackedEvaluableBase;
use plonky2::gates::util::StridedConstraintConsumer;
use plonky2::hash::hash_types::RichField;
use plonky2::hash::poseidon::{Poseidon, HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS, SPONGE_WIDTH};
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::iop::generator::{GeneratedValues, SimpleGenerator, WitnessGeneratorRef};
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartitionWitness, Witness};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CommonCircuitData;
use plonky2::plonk::vars::{EvaluationTargets, EvaluationVars, EvaluationVarsBaseBatch, EvaluationVarsBasePacked};
use plonky2::util::serialization::{Buffer, IoError, IoResult, Read, Write};

use super::set_unless_given;

/// Full rounds per row: four (60 wires) makes a permutation three rows. Two would keep every
/// row within 46 wires but take five rows; measured on breast-cancer's coarse circuit
/// (`zkdx bench --disclose coarse`), five rows per permutation and two rescale ops per
/// 48-wire row needed 193 rows (2^9 with blinding), three rows and three ops per 64-wire
/// row 183 (2^8).
pub const FULL_ROUNDS_PER_ROW: usize = 4;

/// The widest row of a permutation.
pub const MAX_WIRES: usize = {
    let full = 2 * SPONGE_WIDTH + SPONGE_WIDTH * (FULL_ROUNDS_PER_ROW - 1);
    let partial = 2 * SPONGE_WIDTH + N_PARTIAL_ROUNDS;
    if full > partial {
        full
    } else {
        partial
    }
};

/// Which rounds of the permutation a row computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoseidonRounds {
    /// `count` full rounds starting at round `first` (0–3 before the partial rounds,
    /// 26–29 after them; the round number picks the round constants).
    Full {
        /// The first round's number.
        first: usize,
        /// How many rounds.
        count: usize,
    },
    /// All 22 partial rounds (plonky2's fast form: one S-box per round).
    Partial,
}

/// One slice of the Poseidon permutation; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoseidonRoundsGate {
    /// The rounds this row computes.
    pub rounds: PoseidonRounds,
}

impl Default for PoseidonRoundsGate {
    fn default() -> Self {
        PoseidonRoundsGate { rounds: PoseidonRounds::Partial }
    }
}

impl PoseidonRoundsGate {
    /// The rows of one permutation, in order.
    pub fn permutation() -> Vec<PoseidonRoundsGate> {
        let full = |start: usize| {
            (start..start + HALF_N_FULL_ROUNDS).step_by(FULL_ROUNDS_PER_ROW).map(move |first| PoseidonRoundsGate {
                rounds: PoseidonRounds::Full {
                    first,
                    count: FULL_ROUNDS_PER_ROW.min(start + HALF_N_FULL_ROUNDS - first),
                },
            })
        };
        full(0)
            .chain([PoseidonRoundsGate { rounds: PoseidonRounds::Partial }])
            .chain(full(HALF_N_FULL_ROUNDS + N_PARTIAL_ROUNDS))
            .collect()
    }

    /// The wire of element `i` of the incoming state.
    pub const fn wire_input(i: usize) -> usize {
        i
    }
    /// The wire of element `i` of the outgoing state.
    pub const fn wire_output(i: usize) -> usize {
        SPONGE_WIDTH + i
    }
    /// The wire of S-box input `i` of the row's round `r` (full rounds, `r ≥ 1`).
    pub const fn wire_full_sbox(r: usize, i: usize) -> usize {
        2 * SPONGE_WIDTH + (r - 1) * SPONGE_WIDTH + i
    }
    /// The wire of the S-box input of partial round `r`.
    pub const fn wire_partial_sbox(r: usize) -> usize {
        2 * SPONGE_WIDTH + r
    }

    fn stored_sboxes(&self) -> usize {
        match self.rounds {
            PoseidonRounds::Full { count, .. } => SPONGE_WIDTH * count.saturating_sub(1),
            PoseidonRounds::Partial => N_PARTIAL_ROUNDS,
        }
    }
}

/// The Poseidon layers over one value type (extension field, packed base field, circuit
/// targets, plain field elements), so that the constraints and the generator share one
/// description of a row.
trait Layers<T: Copy> {
    fn sub(&mut self, a: T, b: T) -> T;
    /// `a` plus the fast partial rounds' constant of round `r`.
    fn add_partial_constant(&mut self, a: T, r: usize) -> T;
    fn constant_layer(&mut self, state: &mut [T; SPONGE_WIDTH], round: usize);
    fn sbox(&mut self, x: T) -> T;
    fn mds(&mut self, state: &[T; SPONGE_WIDTH]) -> [T; SPONGE_WIDTH];
    fn partial_first_constant_layer(&mut self, state: &mut [T; SPONGE_WIDTH]);
    fn mds_partial_init(&mut self, state: &[T; SPONGE_WIDTH]) -> [T; SPONGE_WIDTH];
    fn mds_partial_fast(&mut self, state: &[T; SPONGE_WIDTH], r: usize) -> [T; SPONGE_WIDTH];
}

/// The row's rounds from its incoming state `input`. At each stored wire (every S-box input
/// but those of the row's first round, then the outgoing state), `stored(l, wire, computed)`
/// says what to carry on with: the constraints read the wire and constrain it to the
/// computed value; the generator sets the wire to the computed value.
fn walk<T: Copy, L: Layers<T>, E>(
    g: &PoseidonRoundsGate,
    input: [T; SPONGE_WIDTH],
    l: &mut L,
    mut stored: impl FnMut(&mut L, usize, T) -> Result<T, E>,
) -> Result<(), E> {
    let mut state = input;
    match g.rounds {
        PoseidonRounds::Full { first, count } => {
            for r in 0..count {
                l.constant_layer(&mut state, first + r);
                if r > 0 {
                    for (i, s) in state.iter_mut().enumerate() {
                        *s = stored(l, PoseidonRoundsGate::wire_full_sbox(r, i), *s)?;
                    }
                }
                for s in state.iter_mut() {
                    *s = l.sbox(*s);
                }
                state = l.mds(&state);
            }
        }
        PoseidonRounds::Partial => {
            l.partial_first_constant_layer(&mut state);
            state = l.mds_partial_init(&state);
            for r in 0..N_PARTIAL_ROUNDS {
                state[0] = stored(l, PoseidonRoundsGate::wire_partial_sbox(r), state[0])?;
                // (the last round's constant is zero, as in plonky2's native permutation)
                let sbox_out = l.sbox(state[0]);
                state[0] = l.add_partial_constant(sbox_out, r);
                state = l.mds_partial_fast(&state, r);
            }
        }
    }
    for (i, s) in state.into_iter().enumerate() {
        stored(l, PoseidonRoundsGate::wire_output(i), s)?;
    }
    Ok(())
}

/// The row's constraints, `computed − wire` at every stored wire: `wire` reads a wire, `l`
/// computes, `out` takes each constraint.
fn constraints<T: Copy, L: Layers<T>>(
    g: &PoseidonRoundsGate,
    wire: impl Fn(usize) -> T,
    l: &mut L,
    mut out: impl FnMut(T),
) {
    let input = std::array::from_fn(|i| wire(PoseidonRoundsGate::wire_input(i)));
    let Ok(()) = walk::<T, L, std::convert::Infallible>(g, input, l, |l, w, computed| {
        let value = wire(w);
        out(l.sub(computed, value));
        Ok(value)
    });
}

/// Extension-field values (the verifier's evaluation).
struct ExtLayers<F, const D: usize>(std::marker::PhantomData<F>);

impl<F: RichField + Extendable<D>, const D: usize> Layers<F::Extension> for ExtLayers<F, D> {
    fn sub(&mut self, a: F::Extension, b: F::Extension) -> F::Extension {
        a - b
    }
    fn add_partial_constant(&mut self, a: F::Extension, r: usize) -> F::Extension {
        a + F::Extension::from_canonical_u64(<F as Poseidon>::FAST_PARTIAL_ROUND_CONSTANTS[r])
    }
    fn constant_layer(&mut self, state: &mut [F::Extension; SPONGE_WIDTH], round: usize) {
        <F as Poseidon>::constant_layer_field(state, round);
    }
    fn sbox(&mut self, x: F::Extension) -> F::Extension {
        <F as Poseidon>::sbox_monomial(x)
    }
    fn mds(&mut self, state: &[F::Extension; SPONGE_WIDTH]) -> [F::Extension; SPONGE_WIDTH] {
        <F as Poseidon>::mds_layer_field(state)
    }
    fn partial_first_constant_layer(&mut self, state: &mut [F::Extension; SPONGE_WIDTH]) {
        <F as Poseidon>::partial_first_constant_layer(state);
    }
    fn mds_partial_init(&mut self, state: &[F::Extension; SPONGE_WIDTH]) -> [F::Extension; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_init(state)
    }
    fn mds_partial_fast(&mut self, state: &[F::Extension; SPONGE_WIDTH], r: usize) -> [F::Extension; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_fast_field(state, r)
    }
}

/// Packed base-field values (the prover's quotient).
struct PackedLayers<F, P, const D: usize>(std::marker::PhantomData<(F, P)>);

impl<F: RichField + Extendable<D>, P: PackedField<Scalar = F>, const D: usize> Layers<P> for PackedLayers<F, P, D> {
    fn sub(&mut self, a: P, b: P) -> P {
        a - b
    }
    fn add_partial_constant(&mut self, a: P, r: usize) -> P {
        a + F::from_canonical_u64(<F as Poseidon>::FAST_PARTIAL_ROUND_CONSTANTS[r])
    }
    fn constant_layer(&mut self, state: &mut [P; SPONGE_WIDTH], round: usize) {
        <F as Poseidon>::constant_layer_packed_field::<F, D, F, P, 1>(state, round);
    }
    fn sbox(&mut self, x: P) -> P {
        let x2 = x.square();
        x2.square() * x2 * x
    }
    fn mds(&mut self, state: &[P; SPONGE_WIDTH]) -> [P; SPONGE_WIDTH] {
        <F as Poseidon>::mds_layer_packed_field::<F, D, F, P, 1>(state)
    }
    fn partial_first_constant_layer(&mut self, state: &mut [P; SPONGE_WIDTH]) {
        <F as Poseidon>::partial_first_constant_layer_packed_field::<F, D, F, P, 1>(state);
    }
    fn mds_partial_init(&mut self, state: &[P; SPONGE_WIDTH]) -> [P; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_init_packed_field::<F, D, F, P, 1>(state)
    }
    fn mds_partial_fast(&mut self, state: &[P; SPONGE_WIDTH], r: usize) -> [P; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_fast_packed_field::<F, D, F, P, 1>(state, r)
    }
}

/// Circuit targets (a recursive verifier).
struct CircuitLayers<'a, F: RichField + Extendable<D>, const D: usize>(&'a mut CircuitBuilder<F, D>);

impl<F: RichField + Extendable<D>, const D: usize> Layers<ExtensionTarget<D>> for CircuitLayers<'_, F, D> {
    fn sub(&mut self, a: ExtensionTarget<D>, b: ExtensionTarget<D>) -> ExtensionTarget<D> {
        self.0.sub_extension(a, b)
    }
    fn add_partial_constant(&mut self, a: ExtensionTarget<D>, r: usize) -> ExtensionTarget<D> {
        let c = F::Extension::from_canonical_u64(<F as Poseidon>::FAST_PARTIAL_ROUND_CONSTANTS[r]);
        let c = self.0.constant_extension(c);
        self.0.add_extension(a, c)
    }
    fn constant_layer(&mut self, state: &mut [ExtensionTarget<D>; SPONGE_WIDTH], round: usize) {
        <F as Poseidon>::constant_layer_circuit(self.0, state, round);
    }
    fn sbox(&mut self, x: ExtensionTarget<D>) -> ExtensionTarget<D> {
        <F as Poseidon>::sbox_monomial_circuit(self.0, x)
    }
    fn mds(&mut self, state: &[ExtensionTarget<D>; SPONGE_WIDTH]) -> [ExtensionTarget<D>; SPONGE_WIDTH] {
        <F as Poseidon>::mds_layer_circuit(self.0, state)
    }
    fn partial_first_constant_layer(&mut self, state: &mut [ExtensionTarget<D>; SPONGE_WIDTH]) {
        <F as Poseidon>::partial_first_constant_layer_circuit(self.0, state);
    }
    fn mds_partial_init(&mut self, state: &[ExtensionTarget<D>; SPONGE_WIDTH]) -> [ExtensionTarget<D>; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_init_circuit(self.0, state)
    }
    fn mds_partial_fast(
        &mut self,
        state: &[ExtensionTarget<D>; SPONGE_WIDTH],
        r: usize,
    ) -> [ExtensionTarget<D>; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_fast_circuit(self.0, state, r)
    }
}

/// Plain base-field values (the generator).
struct NativeLayers<F>(std::marker::PhantomData<F>);

impl<F: RichField> Layers<F> for NativeLayers<F> {
    fn sub(&mut self, a: F, b: F) -> F {
        a - b
    }
    fn add_partial_constant(&mut self, a: F, r: usize) -> F {
        a + F::from_canonical_u64(<F as Poseidon>::FAST_PARTIAL_ROUND_CONSTANTS[r])
    }
    fn constant_layer(&mut self, state: &mut [F; SPONGE_WIDTH], round: usize) {
        <F as Poseidon>::constant_layer(state, round);
    }
    fn sbox(&mut self, x: F) -> F {
        <F as Poseidon>::sbox_monomial(x)
    }
    fn mds(&mut self, state: &[F; SPONGE_WIDTH]) -> [F; SPONGE_WIDTH] {
        <F as Poseidon>::mds_layer(state)
    }
    fn partial_first_constant_layer(&mut self, state: &mut [F; SPONGE_WIDTH]) {
        <F as Poseidon>::partial_first_constant_layer(state);
    }
    fn mds_partial_init(&mut self, state: &[F; SPONGE_WIDTH]) -> [F; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_init(state)
    }
    fn mds_partial_fast(&mut self, state: &[F; SPONGE_WIDTH], r: usize) -> [F; SPONGE_WIDTH] {
        <F as Poseidon>::mds_partial_layer_fast(state, r)
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for PoseidonRoundsGate {
    fn id(&self) -> String {
        format!("{self:?}")
    }

    fn serialize(&self, dst: &mut Vec<u8>, _common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        match self.rounds {
            PoseidonRounds::Full { first, count } => {
                dst.write_u8(0)?;
                dst.write_usize(first)?;
                dst.write_usize(count)
            }
            PoseidonRounds::Partial => dst.write_u8(1),
        }
    }

    fn deserialize(src: &mut Buffer, _common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let rounds = match src.read_u8()? {
            0 => PoseidonRounds::Full { first: src.read_usize()?, count: src.read_usize()? },
            1 => PoseidonRounds::Partial,
            _ => return Err(IoError),
        };
        // a stored circuit that names rounds the permutation does not have is damaged (its
        // round constants would be read out of range)
        let full_rounds_ok = |first: usize, count: usize| match first.checked_add(count) {
            Some(end) if count >= 1 => {
                end <= HALF_N_FULL_ROUNDS
                    || (first >= HALF_N_FULL_ROUNDS + N_PARTIAL_ROUNDS
                        && end <= 2 * HALF_N_FULL_ROUNDS + N_PARTIAL_ROUNDS)
            }
            _ => false,
        };
        match rounds {
            PoseidonRounds::Full { first, count } if !full_rounds_ok(first, count) => Err(IoError),
            _ => Ok(PoseidonRoundsGate { rounds }),
        }
    }

    fn eval_unfiltered(&self, vars: EvaluationVars<F, D>) -> Vec<F::Extension> {
        let mut out = Vec::with_capacity(<Self as Gate<F, D>>::num_constraints(self));
        let mut layers = ExtLayers::<F, D>(std::marker::PhantomData);
        constraints(self, |w| vars.local_wires[w], &mut layers, |c| out.push(c));
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
        let mut out = Vec::with_capacity(<Self as Gate<F, D>>::num_constraints(self));
        let mut layers = CircuitLayers(builder);
        constraints(self, |w| vars.local_wires[w], &mut layers, |c| out.push(c));
        out
    }

    fn generators(&self, row: usize, _local_constants: &[F]) -> Vec<WitnessGeneratorRef<F, D>> {
        vec![WitnessGeneratorRef::new(PoseidonRoundsGenerator { gate: *self, row }.adapter())]
    }

    fn num_wires(&self) -> usize {
        2 * SPONGE_WIDTH + self.stored_sboxes()
    }

    fn num_constants(&self) -> usize {
        0
    }

    fn degree(&self) -> usize {
        7
    }

    fn num_constraints(&self) -> usize {
        SPONGE_WIDTH + self.stored_sboxes()
    }
}

impl<F: RichField + Extendable<D>, const D: usize> PackedEvaluableBase<F, D> for PoseidonRoundsGate {
    fn eval_unfiltered_base_packed<P: PackedField<Scalar = F>>(
        &self,
        vars: EvaluationVarsBasePacked<P>,
        mut yield_constr: StridedConstraintConsumer<P>,
    ) {
        let mut layers = PackedLayers::<F, P, D>(std::marker::PhantomData);
        constraints(self, |w| vars.local_wires[w], &mut layers, |c| yield_constr.one(c));
    }
}

/// Fills a row's S-box inputs and outgoing state from its incoming state.
#[derive(Debug, Clone, Default)]
pub struct PoseidonRoundsGenerator {
    gate: PoseidonRoundsGate,
    row: usize,
}

impl<F: RichField + Extendable<D>, const D: usize> SimpleGenerator<F, D> for PoseidonRoundsGenerator {
    fn id(&self) -> String {
        "PoseidonRoundsGenerator".to_string()
    }

    fn dependencies(&self) -> Vec<Target> {
        (0..SPONGE_WIDTH).map(|i| Target::wire(self.row, PoseidonRoundsGate::wire_input(i))).collect()
    }

    fn run_once(&self, witness: &PartitionWitness<F>, out_buffer: &mut GeneratedValues<F>) -> Result<()> {
        let wire = |w: usize| Target::wire(self.row, w);
        let input = std::array::from_fn(|i| witness.get_target(wire(PoseidonRoundsGate::wire_input(i))));
        let mut l = NativeLayers::<F>(std::marker::PhantomData);
        // A stored value the prover already gave wins and carries on, like every other
        // value the tests give in advance.
        walk(&self.gate, input, &mut l, |_, w, computed| {
            set_unless_given(witness, out_buffer, wire(w), computed)?;
            Ok(witness.try_get_target(wire(w)).unwrap_or(computed))
        })
    }

    fn serialize(&self, dst: &mut Vec<u8>, common_data: &CommonCircuitData<F, D>) -> IoResult<()> {
        Gate::<F, D>::serialize(&self.gate, dst, common_data)?;
        dst.write_usize(self.row)
    }

    fn deserialize(src: &mut Buffer, common_data: &CommonCircuitData<F, D>) -> IoResult<Self> {
        let gate = <PoseidonRoundsGate as Gate<F, D>>::deserialize(src, common_data)?;
        Ok(PoseidonRoundsGenerator { gate, row: src.read_usize()? })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::field::{C, D, F};
    use crate::gadgets::testing::Harness;
    use crate::hash::NarrowPoseidonHash;
    use plonky2::field::types::Sample;
    use plonky2::gates::gate_testing::{test_eval_fns, test_low_degree};
    use plonky2::hash::hashing::PlonkyPermutation;
    use plonky2::hash::poseidon::PoseidonPermutation;
    use plonky2::plonk::config::AlgebraicHasher;

    #[test]
    fn a_permutation_is_three_rows_covering_every_round_once() {
        let rows = PoseidonRoundsGate::permutation();
        assert_eq!(rows.len(), 3);
        let mut next = 0;
        for g in &rows {
            match g.rounds {
                PoseidonRounds::Full { first, count } => {
                    assert_eq!(first, next);
                    next += count;
                }
                PoseidonRounds::Partial => {
                    assert_eq!(next, HALF_N_FULL_ROUNDS);
                    next += N_PARTIAL_ROUNDS;
                }
            }
        }
        assert_eq!(next, 2 * HALF_N_FULL_ROUNDS + N_PARTIAL_ROUNDS);
        let widest = rows.iter().map(Gate::<F, D>::num_wires).max();
        assert_eq!(widest, Some(MAX_WIRES));
    }

    #[test]
    fn wire_counts_are_exactly_what_the_layout_uses() {
        for g in PoseidonRoundsGate::permutation() {
            let last = match g.rounds {
                PoseidonRounds::Full { count, .. } => PoseidonRoundsGate::wire_full_sbox(count - 1, SPONGE_WIDTH - 1),
                PoseidonRounds::Partial => PoseidonRoundsGate::wire_partial_sbox(N_PARTIAL_ROUNDS - 1),
            };
            assert_eq!(Gate::<F, D>::num_wires(&g), last + 1, "{g:?}");
            assert!(PoseidonRoundsGate::wire_output(SPONGE_WIDTH - 1) < crate::config::compact().num_routed_wires);
        }
    }

    #[test]
    fn serialized_rows_read_back_and_impossible_rounds_are_refused() {
        use plonky2::plonk::circuit_builder::CircuitBuilder;
        let common = CircuitBuilder::<F, D>::new(crate::config::compact()).build::<C>().common;
        for g in PoseidonRoundsGate::permutation() {
            let mut bytes = Vec::new();
            Gate::<F, D>::serialize(&g, &mut bytes, &common).unwrap();
            let back = <PoseidonRoundsGate as Gate<F, D>>::deserialize(&mut Buffer::new(&bytes), &common);
            assert_eq!(back.ok(), Some(g));
        }
        for (first, count) in [(0, 0), (2, 4), (4, 1), (25, 4), (28, 4), (usize::MAX, 2)] {
            let g = PoseidonRoundsGate { rounds: PoseidonRounds::Full { first, count } };
            let mut bytes = Vec::new();
            Gate::<F, D>::serialize(&g, &mut bytes, &common).unwrap();
            let back = <PoseidonRoundsGate as Gate<F, D>>::deserialize(&mut Buffer::new(&bytes), &common);
            assert!(back.is_err(), "rounds {first}..+{count} were read");
        }
    }

    #[test]
    fn ids_tell_rows_apart() {
        let ids: Vec<String> = PoseidonRoundsGate::permutation().iter().map(Gate::<F, D>::id).collect();
        for (i, a) in ids.iter().enumerate() {
            assert!(ids[i + 1..].iter().all(|b| a != b), "{ids:?}");
        }
    }

    #[test]
    fn low_degree() {
        for g in PoseidonRoundsGate::permutation() {
            test_low_degree::<F, _, D>(g);
        }
    }

    #[test]
    fn eval_fns() -> anyhow::Result<()> {
        for g in PoseidonRoundsGate::permutation() {
            test_eval_fns::<F, C, _, D>(g)?;
        }
        Ok(())
    }

    /// The permutation wired from the rows, on `input`, with `swap`; its output targets.
    fn permutation(h: &mut Harness, input: [F; SPONGE_WIDTH], swap: bool) -> Vec<Target> {
        let targets: Vec<Target> = input
            .iter()
            .map(|&v| {
                let t = h.b.add_virtual_target();
                h.set_field(t, v);
                t
            })
            .collect();
        let swap_t = h.b.add_virtual_bool_target_safe();
        h.set(swap_t.target, i128::from(swap));
        let out = NarrowPoseidonHash::permute_swapped(PoseidonPermutation::new(targets), swap_t, &mut h.b);
        out.as_ref().to_vec()
    }

    #[test]
    fn rows_compute_plonky2s_permutation_with_and_without_swap() {
        let input: [F; SPONGE_WIDTH] = F::rand_array();
        for swap in [false, true] {
            let mut h = Harness::new();
            for t in permutation(&mut h, input, swap) {
                h.public(t);
            }
            let mut expected = input;
            if swap {
                for i in 0..4 {
                    expected.swap(i, i + 4);
                }
            }
            let expected = <F as Poseidon>::poseidon(expected);
            assert_eq!(h.prove_and_verify().unwrap(), expected.to_vec(), "swap {swap}");
        }
    }

    #[test]
    fn a_circuit_hash_equals_poseidon_hash() {
        let input: Vec<F> = F::rand_vec(21);
        let mut h = Harness::new();
        let targets: Vec<Target> = input
            .iter()
            .map(|&v| {
                let t = h.b.add_virtual_target();
                h.set_field(t, v);
                t
            })
            .collect();
        let hash = h.b.hash_n_to_hash_no_pad::<NarrowPoseidonHash>(targets);
        for t in hash.elements {
            h.public(t);
        }
        let expected =
            <plonky2::hash::poseidon::PoseidonHash as plonky2::plonk::config::Hasher<F>>::hash_no_pad(&input);
        assert_eq!(h.prove_and_verify().unwrap(), expected.elements.to_vec());
    }

    /// Every stored wire of every row, tampered (the generator carries the wrong value on,
    /// so only that wire's constraint is broken), is refused by the verifier.
    #[test]
    fn a_wrong_value_on_any_stored_wire_is_refused() {
        let input: [F; SPONGE_WIDTH] = F::rand_array();
        let rows = PoseidonRoundsGate::permutation();
        for (k, g) in rows.iter().enumerate() {
            let n = Gate::<F, D>::num_wires(g);
            // the outgoing state and, for each kind of row, the first and last S-box input
            for w in [
                PoseidonRoundsGate::wire_output(0),
                PoseidonRoundsGate::wire_output(SPONGE_WIDTH - 1),
                2 * SPONGE_WIDTH,
                n - 1,
            ] {
                let mut h = Harness::new();
                let out = permutation(&mut h, input, false);
                // the permutation's rows are the last rows added: find row k by its output
                let last_row = match out[0] {
                    Target::Wire(wire) => wire.row,
                    Target::VirtualTarget { .. } => unreachable!("outputs are gate wires"),
                };
                let row = last_row + 1 + k - rows.len();
                h.tamper(Target::wire(row, w), F::rand());
                assert!(h.prove_and_verify().is_err(), "row {k} ({g:?}) wire {w} was accepted");
            }
        }
    }
}
