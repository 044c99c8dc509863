//! A model's verifier on its own: plonky2's verifier data and the public-input layout,
//! without the prover data, as bytes that a verifier can keep so that it need not rebuild
//! the circuit. Whoever keeps the bytes must check them against a trusted pin (zkdx-bundle
//! compares their SHA-256 with the one a publisher's endorsement signs) before relying on
//! them: plonky2's circuit digest does not cover the whole of the verifier data.

use plonky2::field::types::PrimeField64;
use plonky2::gates::arithmetic_base::ArithmeticGate;
use plonky2::gates::arithmetic_extension::ArithmeticExtensionGate;
use plonky2::gates::base_sum::BaseSumGate;
use plonky2::gates::constant::ConstantGate;
use plonky2::gates::coset_interpolation::CosetInterpolationGate;
use plonky2::gates::exponentiation::ExponentiationGate;
use plonky2::gates::lookup::LookupGate;
use plonky2::gates::lookup_table::LookupTableGate;
use plonky2::gates::multiplication_extension::MulExtensionGate;
use plonky2::gates::noop::NoopGate;
use plonky2::gates::poseidon::PoseidonGate;
use plonky2::gates::poseidon_mds::PoseidonMdsGate;
use plonky2::gates::public_input::PublicInputGate;
use plonky2::gates::random_access::RandomAccessGate;
use plonky2::gates::reducing::ReducingGate;
use plonky2::gates::reducing_extension::ReducingExtensionGate;
use plonky2::impl_gate_serializer;
use plonky2::plonk::circuit_data::{VerifierCircuitData, VerifierOnlyCircuitData};
use plonky2::plonk::proof::{CompressedProofWithPublicInputs, ProofWithPublicInputs};
use plonky2::util::serialization::GateSerializer;
use plonky2::{get_gate_tag_impl, read_gate_impl};

use crate::circuit::ModelCircuit;
use crate::error::CircuitError;
use crate::field::{C, D, F};
use crate::gates::mat_vec::MatVecGate;
use crate::gates::poseidon_rounds::PoseidonRoundsGate;
use crate::gates::rescale::RescaleGate;
use crate::public::{PublicLayout, PublicValues};
use crate::verify::guarded;
use zkdx_model::error::contained;
use zkdx_model::Disclosure;

/// Every gate a zkDx circuit can hold: plonky2's own and zkDx's.
#[derive(Debug)]
pub(crate) struct ZkdxGates;

impl GateSerializer<F, D> for ZkdxGates {
    impl_gate_serializer! {
        ZkdxGates,
        ArithmeticGate,
        ArithmeticExtensionGate<D>,
        BaseSumGate<2>,
        ConstantGate,
        CosetInterpolationGate<F, D>,
        ExponentiationGate<F, D>,
        LookupGate,
        LookupTableGate,
        MulExtensionGate<D>,
        NoopGate,
        PoseidonMdsGate<F, D>,
        PoseidonGate<F, D>,
        PoseidonRoundsGate,
        PublicInputGate,
        RandomAccessGate<F, D>,
        ReducingExtensionGate<D>,
        ReducingGate<D>,
        MatVecGate,
        RescaleGate
    }
}

/// Leading bytes of a serialised verifier of plain proofs (and its encoding's version).
const MAGIC: &[u8] = b"zkdx-verifier-v1\0";
/// Leading bytes of a serialised verifier of compact proofs.
const COMPACT_MAGIC: &[u8] = b"zkdx-compact-verifier-v1\0";

/// Which proofs a verifier checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofKind {
    /// The model circuit's own zero-knowledge proofs.
    Plain,
    /// Compact proofs: the last recursive wrapper's compressed proofs (`crate::compact`).
    Compact,
}

/// The fingerprint of verifier data: plonky2's circuit digest, hex.
pub(crate) fn fingerprint_of(v: &VerifierOnlyCircuitData<C, D>) -> String {
    crate::commitment::to_hex(&v.circuit_digest.elements.map(|e| e.to_canonical_u64()))
}

/// A model's verifier data and public-input layout, for plain or compact proofs.
pub struct ModelVerifier {
    data: VerifierCircuitData<F, C, D>,
    layout: PublicLayout,
    kind: ProofKind,
}

impl ModelVerifier {
    /// The verifier of a built circuit.
    pub fn of(circuit: &ModelCircuit) -> ModelVerifier {
        ModelVerifier { data: circuit.data.verifier_data(), layout: circuit.layout, kind: ProofKind::Plain }
    }

    /// The verifier of compact proofs: the last wrapper's verifier data, whose constants bind
    /// the whole chain and so the model.
    pub(crate) fn compact(data: VerifierCircuitData<F, C, D>, layout: PublicLayout) -> ModelVerifier {
        ModelVerifier { data, layout, kind: ProofKind::Compact }
    }

    /// The verifier of segmented proofs: the last fold's verifier data, whose constants
    /// bind every segment and so the model (`crate::segment`). A folded proof is an
    /// ordinary plonky2 proof with the model circuit's public inputs.
    pub(crate) fn folded(data: VerifierCircuitData<F, C, D>, layout: PublicLayout) -> ModelVerifier {
        ModelVerifier { data, layout, kind: ProofKind::Plain }
    }

    /// Which proofs it checks.
    pub fn kind(&self) -> ProofKind {
        self.kind
    }

    /// The verifier-data fingerprint (as [`ModelCircuit::verifier_fingerprint`]).
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.data.verifier_only)
    }

    /// The public-input layout.
    pub fn layout(&self) -> PublicLayout {
        self.layout
    }

    /// Verify proof bytes (of this verifier's kind); the public values on success.
    pub fn verify(&self, bytes: &[u8]) -> Result<PublicValues, CircuitError> {
        let common = &self.data.common;
        match self.kind {
            ProofKind::Plain => guarded(
                "proof",
                bytes,
                |b| ProofWithPublicInputs::<F, C, D>::from_bytes(b, common),
                |p| self.layout.decode(&p.public_inputs),
                |p| self.data.verify(p),
            ),
            ProofKind::Compact => guarded(
                "compact proof",
                bytes,
                |b| CompressedProofWithPublicInputs::<F, C, D>::from_bytes(b, common),
                |p| self.layout.decode(&p.public_inputs),
                |p| self.data.verify_compressed(p),
            ),
        }
    }

    /// The verifier as bytes (deterministic for a given circuit).
    pub fn to_bytes(&self) -> Result<Vec<u8>, CircuitError> {
        let data = self.data.to_bytes(&ZkdxGates).map_err(|e| CircuitError::Malformed(format!("{e:?}")))?;
        let mut out = match self.kind {
            ProofKind::Plain => MAGIC.to_vec(),
            ProofKind::Compact => COMPACT_MAGIC.to_vec(),
        };
        let index = Disclosure::ALL.iter().position(|d| *d == self.layout.disclosure).unwrap_or(0);
        out.push(index as u8);
        out.extend((self.layout.outputs as u64).to_le_bytes());
        out.extend((self.layout.classes as u64).to_le_bytes());
        out.extend(data);
        Ok(out)
    }

    /// A verifier from [`ModelVerifier::to_bytes`]. The bytes must come from a trusted
    /// source or be checked against a trusted pin first.
    pub fn from_bytes(bytes: &[u8]) -> Result<ModelVerifier, CircuitError> {
        let bad = |why: &str| CircuitError::Malformed(format!("not a zkDx verifier: {why}"));
        let (kind, rest) = match (bytes.strip_prefix(MAGIC), bytes.strip_prefix(COMPACT_MAGIC)) {
            (Some(rest), _) => (ProofKind::Plain, rest),
            (None, Some(rest)) => (ProofKind::Compact, rest),
            (None, None) => return Err(bad("wrong header")),
        };
        if rest.len() < 17 {
            return Err(bad("too short"));
        }
        let disclosure = *Disclosure::ALL.get(usize::from(rest[0])).ok_or_else(|| bad("unknown disclosure"))?;
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&rest[1 + 8 * i..9 + 8 * i]);
            u64::from_le_bytes(w) as usize
        };
        let layout = PublicLayout { disclosure, outputs: word(0), classes: word(1) };
        let data = contained(|| VerifierCircuitData::<F, C, D>::from_bytes(rest[17..].to_vec(), &ZkdxGates))
            .map_err(|_| bad("unreadable verifier data"))?
            .map_err(|e| bad(&format!("{e:?}")))?;
        Ok(ModelVerifier { data, layout, kind })
    }
}
