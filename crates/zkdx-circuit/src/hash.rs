//! The proof configuration's hashes: [`ZkdxConfig`] is plonky2's Poseidon-Goldilocks
//! configuration except that its in-circuit hash (the input commitment, and plonky2's
//! public-input hash, which every circuit computes) is computed by [`PoseidonRoundsGate`]
//! rows ([`NarrowPoseidonHash`]) instead of plonky2's one 135-wire `PoseidonGate`. The
//! function is the same Poseidon permutation, so every hash value (the commitment
//! `zkdx open` recomputes, the public-input hash, Merkle caps) is unchanged; only the
//! circuits are narrower. Merkle trees, the Fiat–Shamir challenger and a recursive
//! verifier's Merkle proofs and challenger (the compact wrappers, which keep 135 wires)
//! still use [`PoseidonHash`].

use plonky2::field::extension::quadratic::QuadraticExtension;
use plonky2::field::extension::Extendable;
use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::hash::hash_types::{HashOut, RichField};
use plonky2::hash::hashing::PlonkyPermutation;
use plonky2::hash::poseidon::{PoseidonHash, PoseidonPermutation, SPONGE_WIDTH};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::config::{AlgebraicHasher, GenericConfig, Hasher};

use crate::gates::poseidon_rounds::PoseidonRoundsGate;

/// Poseidon, with its in-circuit permutation spread over [`PoseidonRoundsGate`] rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NarrowPoseidonHash;

impl<F: RichField> Hasher<F> for NarrowPoseidonHash {
    const HASH_SIZE: usize = <PoseidonHash as Hasher<F>>::HASH_SIZE;
    type Hash = HashOut<F>;
    type Permutation = PoseidonPermutation<F>;

    fn hash_no_pad(input: &[F]) -> HashOut<F> {
        <PoseidonHash as Hasher<F>>::hash_no_pad(input)
    }

    fn two_to_one(left: HashOut<F>, right: HashOut<F>) -> HashOut<F> {
        <PoseidonHash as Hasher<F>>::two_to_one(left, right)
    }
}

impl<F: RichField> AlgebraicHasher<F> for NarrowPoseidonHash {
    type AlgebraicPermutation = PoseidonPermutation<Target>;

    /// Swaps the first two 4-element chunks when `swap` is true (two selects each, skipped
    /// when `swap` is the constant false, as in every sponge), then chains the permutation's
    /// rows, each row's incoming state wired to the previous row's outgoing state.
    fn permute_swapped<const D: usize>(
        inputs: Self::AlgebraicPermutation,
        swap: BoolTarget,
        builder: &mut CircuitBuilder<F, D>,
    ) -> Self::AlgebraicPermutation
    where
        F: RichField + Extendable<D>,
    {
        let mut state: [Target; SPONGE_WIDTH] = std::array::from_fn(|i| inputs.as_ref()[i]);
        if builder.target_as_constant(swap.target) != Some(F::ZERO) {
            for i in 0..4 {
                let (lhs, rhs) = (state[i], state[i + 4]);
                state[i] = builder.select(swap, rhs, lhs);
                state[i + 4] = builder.select(swap, lhs, rhs);
            }
        }
        for gate in PoseidonRoundsGate::permutation() {
            let row = builder.add_gate(gate, vec![]);
            for (i, &s) in state.iter().enumerate() {
                builder.connect(s, Target::wire(row, PoseidonRoundsGate::wire_input(i)));
            }
            state = std::array::from_fn(|i| Target::wire(row, PoseidonRoundsGate::wire_output(i)));
        }
        PoseidonPermutation::new(state)
    }
}

/// Goldilocks with its quadratic extension; Poseidon for Merkle trees and, narrowly, in
/// circuits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZkdxConfig;

impl GenericConfig<2> for ZkdxConfig {
    type F = GoldilocksField;
    type FE = QuadraticExtension<GoldilocksField>;
    type Hasher = PoseidonHash;
    type InnerHasher = NarrowPoseidonHash;
}
