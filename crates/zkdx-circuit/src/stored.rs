//! A built [`ModelCircuit`] as bytes, so that a prover need not build it again: plonky2's
//! prover and verifier data (with every gate and witness generator a zkDx circuit holds),
//! the hints, the public-input layout and the targets the soundness tests use.
//!
//! The bytes start with [`BUILD`], a digest of the code that builds circuits (this crate,
//! zkdx-model and the plonky2 patch), and are refused by any other build: the same model
//! digest can give another circuit once that code changes. They carry no model digest:
//! whoever keeps them files them under everything else that shapes the circuit: the model's
//! digest, the variant and the card's score resolution (zkdx-bundle's cache does). Nothing
//! here is secret, but a circuit file says which model was used, so the cache keeps it
//! owner-only.

use plonky2::gadgets::arithmetic::EqualityGenerator;
use plonky2::gadgets::arithmetic_extension::QuotientGeneratorExtension;
use plonky2::gadgets::range_check::LowHighGenerator;
use plonky2::gadgets::split_base::BaseSumGenerator;
use plonky2::gadgets::split_join::{SplitGenerator, WireSplitGenerator};
use plonky2::gates::arithmetic_base::ArithmeticBaseGenerator;
use plonky2::gates::arithmetic_extension::ArithmeticExtensionGenerator;
use plonky2::gates::base_sum::BaseSplitGenerator;
use plonky2::gates::coset_interpolation::InterpolationGenerator;
use plonky2::gates::exponentiation::ExponentiationGenerator;
use plonky2::gates::multiplication_extension::MulExtensionGenerator;
use plonky2::gates::poseidon::PoseidonGenerator;
use plonky2::gates::poseidon_mds::PoseidonMdsGenerator;
use plonky2::gates::random_access::RandomAccessGenerator;
use plonky2::gates::reducing::ReducingGenerator;
use plonky2::gates::reducing_extension::ReducingGenerator as ReducingExtensionGenerator;
use plonky2::iop::generator::{ConstantGenerator, CopyGenerator, NonzeroTestGenerator, RandomValueGenerator};
use plonky2::iop::target::Target;
use plonky2::plonk::circuit_data::CircuitData;
use plonky2::util::serialization::{Buffer, IoResult, Read, WitnessGeneratorSerializer, Write};
use plonky2::{get_generator_tag_impl, impl_generator_serializer, read_generator_impl};

use crate::circuit::ModelCircuit;
use crate::config::Assurance;
use crate::error::CircuitError;
use crate::field::{C, D, F};
use crate::gates::mat_vec::MatVecGenerator;
use crate::gates::poseidon_rounds::PoseidonRoundsGenerator;
use crate::gates::rescale::RescaleGenerator;
use crate::public::PublicLayout;
use crate::verifier::ZkdxGates;
use crate::witness::Hint;
use zkdx_model::Disclosure;

/// The digest of the code that builds circuits (set by `build.rs`): a stored circuit is
/// read back only by the build that wrote it.
pub const BUILD: &str = env!("ZKDX_CIRCUIT_BUILD");

/// Leading bytes of a stored circuit (and its encoding's version).
const MAGIC: &[u8] = b"zkdx-circuit-v1\0";

/// Every witness generator a zkDx circuit can hold: plonky2's own and zkDx's gates'.
#[derive(Debug)]
struct ZkdxGenerators;

impl WitnessGeneratorSerializer<F, D> for ZkdxGenerators {
    impl_generator_serializer! {
        ZkdxGenerators,
        ArithmeticBaseGenerator<F, D>,
        ArithmeticExtensionGenerator<F, D>,
        BaseSplitGenerator<2>,
        BaseSumGenerator<2>,
        ConstantGenerator<F>,
        CopyGenerator,
        EqualityGenerator,
        ExponentiationGenerator<F, D>,
        InterpolationGenerator<F, D>,
        LowHighGenerator,
        MulExtensionGenerator<F, D>,
        NonzeroTestGenerator,
        PoseidonGenerator<F, D>,
        PoseidonMdsGenerator<D>,
        QuotientGeneratorExtension<D>,
        RandomAccessGenerator<F, D>,
        RandomValueGenerator,
        ReducingGenerator<D>,
        ReducingExtensionGenerator<D>,
        SplitGenerator,
        WireSplitGenerator,
        MatVecGenerator<F>,
        PoseidonRoundsGenerator,
        RescaleGenerator
    }
}

fn bad(what: &str) -> CircuitError {
    CircuitError::Build(format!("a stored circuit could not be read ({what}); it will be built again"))
}

/// A hint as a tag and up to three numbers.
fn encode_hint(h: Hint) -> (u8, [u64; 3]) {
    let u = |x: usize| x as u64;
    match h {
        Hint::Input(i) => (0, [u(i), 0, 0]),
        Hint::Salt(j) => (1, [u(j), 0, 0]),
        Hint::Challenge(j) => (2, [u(j), 0, 0]),
        Hint::Quotient { op, i } => (3, [u(op), u(i), 0]),
        Hint::Remainder { op, i } => (4, [u(op), u(i), 0]),
        Hint::ReluSign { op, i } => (5, [u(op), u(i), 0]),
        Hint::PoolMax { op, i } => (6, [u(op), u(i), 0]),
        Hint::SigmoidStep { op, i } => (7, [u(op), u(i), 0]),
        Hint::SigmoidStepRemainder { op, i } => (8, [u(op), u(i), 0]),
        Hint::SigmoidLow { op, i } => (9, [u(op), u(i), 0]),
        Hint::SigmoidHigh { op, i } => (10, [u(op), u(i), 0]),
        Hint::SigmoidDigit { op, i, j } => (11, [u(op), u(i), u(j)]),
        Hint::Percent(c) => (12, [u(c), 0, 0]),
        Hint::PercentStep(c) => (13, [u(c), 0, 0]),
        Hint::PercentStepRemainder(c) => (14, [u(c), 0, 0]),
        Hint::PercentHigh(c) => (15, [u(c), 0, 0]),
        Hint::PercentDigit { class, j } => (16, [u(class), u(j), 0]),
        Hint::RoundedScore(i) => (17, [u(i), 0, 0]),
        Hint::OneHot(j) => (18, [u(j), 0, 0]),
        Hint::SigmoidSign => (19, [0, 0, 0]),
        Hint::TreeBranch { op, feature, threshold } => (20, [u(op), u(feature), threshold as u64]),
        Hint::PairFirstLarger => (21, [0, 0, 0]),
        Hint::PairStep => (22, [0, 0, 0]),
        Hint::PairStepRemainder => (23, [0, 0, 0]),
        Hint::PairHigh => (24, [0, 0, 0]),
        Hint::PairFlag { rank, j } => (25, [u(rank), u(j), 0]),
        Hint::Live { act, i } => (26, [u(act), u(i), 0]),
        Hint::CutSalt { cut, j } => (27, [u(cut), u(j), 0]),
    }
}

fn decode_hint(tag: u8, [a, b, c]: [u64; 3]) -> Option<Hint> {
    let (a, b) = (usize::try_from(a).ok()?, usize::try_from(b).ok()?);
    let c_usize = usize::try_from(c).ok();
    Some(match tag {
        0 => Hint::Input(a),
        1 => Hint::Salt(a),
        2 => Hint::Challenge(a),
        3 => Hint::Quotient { op: a, i: b },
        4 => Hint::Remainder { op: a, i: b },
        5 => Hint::ReluSign { op: a, i: b },
        6 => Hint::PoolMax { op: a, i: b },
        7 => Hint::SigmoidStep { op: a, i: b },
        8 => Hint::SigmoidStepRemainder { op: a, i: b },
        9 => Hint::SigmoidLow { op: a, i: b },
        10 => Hint::SigmoidHigh { op: a, i: b },
        11 => Hint::SigmoidDigit { op: a, i: b, j: c_usize? },
        12 => Hint::Percent(a),
        13 => Hint::PercentStep(a),
        14 => Hint::PercentStepRemainder(a),
        15 => Hint::PercentHigh(a),
        16 => Hint::PercentDigit { class: a, j: b },
        17 => Hint::RoundedScore(a),
        18 => Hint::OneHot(a),
        19 => Hint::SigmoidSign,
        20 => Hint::TreeBranch { op: a, feature: b, threshold: c as i64 },
        21 => Hint::PairFirstLarger,
        22 => Hint::PairStep,
        23 => Hint::PairStepRemainder,
        24 => Hint::PairHigh,
        25 => Hint::PairFlag { rank: a, j: b },
        26 => Hint::Live { act: a, i: b },
        27 => Hint::CutSalt { cut: a, j: b },
        _ => return None,
    })
}

fn write_u64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn write_targets(out: &[Vec<Target>], buf: &mut Vec<u8>) -> IoResult<()> {
    buf.write_usize(out.len())?;
    for v in out {
        buf.write_target_vec(v)?;
    }
    Ok(())
}

fn read_targets(buf: &mut Buffer) -> IoResult<Vec<Vec<Target>>> {
    let n = buf.read_usize()?;
    (0..n).map(|_| buf.read_target_vec()).collect()
}

impl ModelCircuit {
    /// About how many bytes [`ModelCircuit::to_bytes`] gives: the prover data's committed
    /// constants and permutation columns over the low-degree extension dominate.
    pub fn stored_size_estimate(&self) -> usize {
        let c = &self.data.common;
        let columns = c.num_constants + c.config.num_routed_wires;
        (columns * 8).saturating_mul(1 << (c.degree_bits() + c.config.fri_config.rate_bits))
    }

    /// The circuit as bytes ([`ModelCircuit::from_bytes`] reads them back in this build).
    pub fn to_bytes(&self) -> Result<Vec<u8>, CircuitError> {
        let io = |_| CircuitError::Build("the circuit could not be written as bytes".into());
        let data = self.data.to_bytes(&ZkdxGates, &ZkdxGenerators).map_err(io)?;
        let mut out = Vec::with_capacity(data.len() + 64 + 17 * self.hints.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(BUILD.as_bytes());
        write_u64(&mut out, data.len() as u64);
        out.extend_from_slice(&data);
        let mut rest = Vec::new();
        let l = self.layout;
        let disclosure = match l.disclosure {
            Disclosure::Label => 0,
            Disclosure::Coarse => 1,
            Disclosure::Exact => 2,
        };
        rest.write_u8(disclosure).map_err(io)?;
        rest.write_usize(l.outputs).map_err(io)?;
        rest.write_usize(l.classes).map_err(io)?;
        rest.write_u32(self.scale_bits).map_err(io)?;
        rest.write_usize(self.rows.0).map_err(io)?;
        rest.write_usize(self.rows.1).map_err(io)?;
        rest.write_u8(u8::from(self.assurance == Assurance::High)).map_err(io)?;
        rest.write_usize(self.hints.len()).map_err(io)?;
        for &(t, h) in &self.hints {
            rest.write_target(t).map_err(io)?;
            let (tag, numbers) = encode_hint(h);
            rest.write_u8(tag).map_err(io)?;
            for n in numbers {
                write_u64(&mut rest, n);
            }
        }
        write_targets(&self.activations, &mut rest).map_err(io)?;
        write_targets(&self.accumulators, &mut rest).map_err(io)?;
        out.extend_from_slice(&rest);
        Ok(out)
    }

    /// A circuit from [`ModelCircuit::to_bytes`] of this build; an error for bytes of
    /// another build or encoding, or damaged ones.
    pub fn from_bytes(bytes: &[u8]) -> Result<ModelCircuit, CircuitError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| bad("not a zkDx circuit"))?;
        let rest = rest.strip_prefix(BUILD.as_bytes()).ok_or_else(|| bad("written by another build of zkDx"))?;
        let (len, rest) = rest.split_first_chunk::<8>().ok_or_else(|| bad("truncated"))?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| bad("too long"))?;
        if rest.len() < len {
            return Err(bad("truncated"));
        }
        let (data, rest) = rest.split_at(len);
        let data =
            zkdx_model::error::contained(|| CircuitData::<F, C, D>::from_bytes(data, &ZkdxGates, &ZkdxGenerators))
                .map_err(|_| bad("plonky2 stopped reading it"))?
                .map_err(|_| bad("plonky2's data"))?;
        let io = |_| bad("the hints");
        let mut buf = Buffer::new(rest);
        let disclosure = match buf.read_u8().map_err(io)? {
            0 => Disclosure::Label,
            1 => Disclosure::Coarse,
            2 => Disclosure::Exact,
            _ => return Err(bad("the disclosure")),
        };
        let layout =
            PublicLayout { disclosure, outputs: buf.read_usize().map_err(io)?, classes: buf.read_usize().map_err(io)? };
        let scale_bits = buf.read_u32().map_err(io)?;
        let rows = (buf.read_usize().map_err(io)?, buf.read_usize().map_err(io)?);
        let assurance = if buf.read_u8().map_err(io)? == 1 { Assurance::High } else { Assurance::Standard };
        let n = buf.read_usize().map_err(io)?;
        let mut hints = Vec::with_capacity(n.min(1 << 24));
        for _ in 0..n {
            let t = buf.read_target().map_err(io)?;
            let tag = buf.read_u8().map_err(io)?;
            let mut numbers = [0u64; 3];
            for x in &mut numbers {
                let mut b = [0u8; 8];
                buf.read_exact(&mut b).map_err(io)?;
                *x = u64::from_le_bytes(b);
            }
            hints.push((t, decode_hint(tag, numbers).ok_or_else(|| bad("a hint"))?));
        }
        let activations = read_targets(&mut buf).map_err(io)?;
        let accumulators = read_targets(&mut buf).map_err(io)?;
        if layout.len() != data.common.num_public_inputs {
            return Err(bad("its public inputs"));
        }
        Ok(ModelCircuit { data, layout, hints, scale_bits, rows, activations, accumulators, assurance })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_hint_survives_its_encoding() {
        let hints = [
            Hint::Input(3),
            Hint::Salt(1),
            Hint::Challenge(1),
            Hint::Quotient { op: 2, i: 9 },
            Hint::Remainder { op: 2, i: 9 },
            Hint::ReluSign { op: 1, i: 4 },
            Hint::PoolMax { op: 1, i: 4 },
            Hint::SigmoidStep { op: 1, i: 4 },
            Hint::SigmoidStepRemainder { op: 1, i: 4 },
            Hint::SigmoidLow { op: 1, i: 4 },
            Hint::SigmoidHigh { op: 1, i: 4 },
            Hint::SigmoidDigit { op: 1, i: 4, j: 7 },
            Hint::Percent(1),
            Hint::PercentStep(1),
            Hint::PercentStepRemainder(1),
            Hint::PercentHigh(1),
            Hint::PercentDigit { class: 1, j: 5 },
            Hint::RoundedScore(0),
            Hint::OneHot(2),
            Hint::SigmoidSign,
            Hint::TreeBranch { op: 0, feature: 3, threshold: -12345 },
            Hint::PairFirstLarger,
            Hint::PairStep,
            Hint::PairStepRemainder,
            Hint::PairHigh,
            Hint::PairFlag { rank: 1, j: 17 },
            Hint::Live { act: 3, i: 1200 },
            Hint::CutSalt { cut: 2, j: 3 },
        ];
        for h in hints {
            let (tag, numbers) = encode_hint(h);
            assert_eq!(decode_hint(tag, numbers), Some(h));
        }
        assert_eq!(decode_hint(28, [0; 3]), None);
    }
}
