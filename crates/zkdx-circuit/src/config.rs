//! The plonky2 configuration chosen per model size and assurance level (zero knowledge
//! always on), and the soundness each configuration gives: plonky2's conjectured figure and
//! a provable one computed from the built circuit's sizes.

use std::fmt;
use std::str::FromStr;

use plonky2::field::types::Field64;
use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::fri::FriConfig;
use plonky2::plonk::circuit_data::{CircuitConfig, CommonCircuitData};

use crate::field::{D, F};
use crate::gates::mat_vec::MatVecGate;

/// How much soundness a proof must have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Assurance {
    /// plonky2's usual setting: 100 bits *conjectured* (see [`SecurityBits`]); the provable
    /// level is lower (about 50–60 bits).
    #[default]
    Standard,
    /// At least [`HIGH_ASSURANCE_BITS`] *provable* bits: FRI analysed in the
    /// unique-decoding regime (about four times the queries) and three permutation
    /// challenges. Larger proofs, slower proving; circuits too large for the bound are
    /// refused.
    High,
}

/// The provable soundness, in bits, that [`Assurance::High`] guarantees.
pub const HIGH_ASSURANCE_BITS: f64 = 100.0;

impl Assurance {
    /// Both levels.
    pub const ALL: [Assurance; 2] = [Assurance::Standard, Assurance::High];

    /// What a proof at this level guarantees, in one line.
    pub fn explain(&self) -> &'static str {
        match self {
            Assurance::Standard => "100 bits conjectured (plonky2's usual setting), about 57 bits provable",
            Assurance::High => "at least 100 bits provable",
        }
    }

    /// The name used on the command line and in pins (`standard`, `high`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Assurance::Standard => "standard",
            Assurance::High => "high",
        }
    }
}

impl fmt::Display for Assurance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Assurance {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Assurance::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown assurance `{s}`: use `standard` or `high`"))
    }
}

/// Circuits of at most `2^COMPACT_MAX_DEGREE_BITS` rows are proved with [`compact`] at
/// standard assurance. Its prove time follows the low-degree extension, `2^(rows + 6)`
/// points. Measured with 48 wire columns (`zkdx bench --runs 5`, 2 cores; 64 columns give
/// the same within noise): breast-cancer-gbt at 2^10 rows proves in 1.13 s against 0.58 s
/// in the config its size gives (+0.55 s, and 58 KB instead of 129 KB); the 10k-parameter
/// MLP at 2^11 rows in 2.30 s against 0.41 s, more than the +1.5 s a compact proof may cost.
pub const COMPACT_MAX_DEGREE_BITS: usize = 10;

/// A model with more multiply-accumulates than this cannot fit a compact circuit (2^10 rows
/// of at most 32 multiply-adds), so its compact circuit is not even wired.
pub const COMPACT_MAX_MACS: usize = 32 << COMPACT_MAX_DEGREE_BITS;

/// Wire columns of a compact circuit. Every wire column is Merkle-hashed at every point of
/// the low-degree extension, the larger part of a compact proof's time. Without plonky2's
/// 135-wire Poseidon gate (see [`crate::hash`]) the widest rows are Poseidon's full rounds
/// (60 wires); rescale rows hold as many ops as fit. Measured on breast-cancer and mlp-650
/// (`zkdx bench --runs 5`, exact): 135 wires 0.64–0.68 s and 60 KB; 96 wires 0.40–0.51 s and
/// 55 KB; 64 wires 0.24–0.30 s and 51 KB. 48 wires (Poseidon in five rows of at most 46)
/// gave 49 KB in the same time, but breast-cancer's coarse circuit no longer fit 2^8 rows.
pub const COMPACT_WIRES: usize = 64;
// a compact circuit must hold a Poseidon row (checked when compiling)
const _: () = assert!(crate::gates::poseidon_rounds::MAX_WIRES <= COMPACT_WIRES);

/// The configuration of small circuits (up to 2^[`COMPACT_MAX_DEGREE_BITS`] rows): a proof
/// of about 50 KB that verifies in about 3 ms, with the same 100-bit conjectured security
/// and zero knowledge as [`for_model`].
///
/// What makes the proof small, measured on breast-cancer (`zkdx bench`; 109 KB with the
/// small config): every FRI query opens every committed column, so fewer queries and
/// fewer columns. Rate 1/64 needs 14 queries (14 × 6 + 16 = 100 bits) instead of 21;
/// folding by 8 down to a final polynomial of at most 8 coefficients needs fewer Merkle
/// paths than folding by 2; 32 routed wires and constant columns instead of 64 (a
/// [`MatVecGate`] row of 16 × 2 weights: more rows, but still 2^8 for breast-cancer). Each
/// change alone left the proof above 64 KB (rate 1/64 alone: 87 KB; with folding by 8:
/// 69 KB; with 32 columns: 60 KB; with 64 wire columns instead of 135: 51 KB). The masks'
/// degree bound of the zero-knowledge patch (see `docs/zero-knowledge.md`) is met at 2^8
/// rows: two folds by 8 leave 4 coefficients, so the masks hide 2 + 14 × (1 + 2 × 7) + 4 =
/// 216 values.
pub fn compact() -> CircuitConfig {
    CircuitConfig {
        num_wires: COMPACT_WIRES,
        num_routed_wires: 32,
        num_constants: 32,
        use_base_arithmetic_gate: true,
        security_bits: 100,
        num_challenges: 2,
        zero_knowledge: true,
        max_quotient_degree_factor: 8,
        fri_config: FriConfig {
            rate_bits: 6,
            cap_height: 4,
            proof_of_work_bits: 16,
            reduction_strategy: FriReductionStrategy::ConstantArityBits(3, 3),
            num_query_rounds: 14,
        },
    }
}

/// Circuits of at most `2^COMPACT_FAST_MAX_DEGREE_BITS` rows try [`compact_fast`] first.
pub const COMPACT_FAST_MAX_DEGREE_BITS: usize = 8;

/// The compact configuration at rate 1/32, for circuits that fit 2^8 rows with it: half the
/// low-degree extension of [`compact`] (2^13 points), so about half its prove time, for a
/// proof of about 60 KB instead of 51 KB. Rate 1/32 needs 17 queries (17 × 5 + 16 = 101
/// bits conjectured); FRI folds by 4 (three folds down to 4 coefficients), because folding
/// by 8 would reveal 2 + 17 × (1 + 2 × 7) + 4 = 261 values of each FRI mask, more than a
/// 2^8-row mask hides (see `docs/zero-knowledge.md`), while folding by 4 reveals
/// 2 + 17 × (1 + 3 × 3) + 4 = 176. Measured (`zkdx bench --runs 7 --disclose exact`, 2 cores):
/// mlp-650 0.13–0.15 s and 60,391 B against 0.27–0.29 s and 51,140 B with [`compact`];
/// breast-cancer's coarse circuit (183 rows) does not fit 2^8 rows at this rate (17 queries
/// need more blinding rows), so it keeps [`compact`].
pub fn compact_fast() -> CircuitConfig {
    let mut c = compact();
    c.fri_config = FriConfig {
        rate_bits: 5,
        cap_height: 4,
        proof_of_work_bits: 16,
        reduction_strategy: FriReductionStrategy::ConstantArityBits(2, 2),
        num_query_rounds: 17,
    };
    c
}

/// The compact configurations a circuit tries, in order, each with the most rows it may
/// have in it: [`compact_fast`] up to 2^[`COMPACT_FAST_MAX_DEGREE_BITS`], then [`compact`]
/// up to 2^[`COMPACT_MAX_DEGREE_BITS`].
pub fn compact_configs() -> [(CircuitConfig, usize); 2] {
    [(compact_fast(), COMPACT_FAST_MAX_DEGREE_BITS), (compact(), COMPACT_MAX_DEGREE_BITS)]
}

/// log2 of the rows of the largest single circuit zkDx builds: 2^18 rows hold about 33M
/// dense parameters and peak at 12–17 GB (README, "The scaling family"); 2^19 would need
/// about twice that, more than the 24 GiB machines zkDx is measured on. A larger model is
/// proved in segments ([`crate::segment`]).
pub const MAX_DEGREE_BITS: usize = 18;

/// Models with more multiply-accumulates than this are checked against
/// [`MAX_DEGREE_BITS`] before their circuit is wired (fewer cannot fill 2^18 rows at 64 per
/// row).
pub const CHECK_SIZE_ABOVE_MACS: usize = 64 << MAX_DEGREE_BITS;

/// Models with at most this many multiply-accumulates use the small-circuit config.
/// Measured (`zkdx bench`, 2 cores): breast-cancer (654 MACs) proves in 0.74 s with the
/// small config and 0.88 s with the large one; the 10k-parameter MLP (9,824 MACs) in 1.40 s
/// and 0.97 s.
pub const SMALL_MODEL_MACS: usize = 5_000;

/// The standard configuration for a model with `macs` multiply-accumulates. Both kinds have
/// 100-bit conjectured security (queries × rate bits + 16 proof-of-work bits), zero
/// knowledge, and arity-2 FRI folding with a one-coefficient final polynomial, which keeps
/// the fixed block of zero-knowledge blinding rows small.
///
/// - Small models are dominated by that block: rate 1/16 with 21 queries, 64 routed wires
///   and 64 constant columns (a [`MatVecGate`] row of 16 × 4 weights).
/// - Larger models are dominated by their dense rows: rate 1/8 with 28 queries and 128
///   routed wires and constant columns (a [`MatVecGate`] row of 16 × 8 weights). plonky2's
///   constant rows route every constant, so constants cannot outnumber routed wires.
///
/// Measured with `zkdx bench` (see the README): for a 1M-parameter MLP this config proves in
/// about half the time of plonky2's standard recursion config with 80 weights per row.
pub fn for_model(macs: usize) -> CircuitConfig {
    config(macs, Assurance::Standard)
}

/// The configuration for a model with `macs` multiply-accumulates at `assurance`.
/// [`Assurance::High`] keeps the standard layout (so the gates and rows are the same) and
/// raises what the unique-decoding analysis of [`security`] needs: three permutation and
/// constraint challenges instead of two, and enough FRI queries that the query phase alone
/// is below 2^-102 (each query at rate ρ catches a far word with probability (1 − ρ)/2).
pub fn config(macs: usize, assurance: Assurance) -> CircuitConfig {
    let (width, rate_bits, standard_queries) = if macs <= SMALL_MODEL_MACS { (64, 4, 21) } else { (128, 3, 28) };
    let pow_bits = 16;
    let (num_challenges, num_query_rounds) = match assurance {
        Assurance::Standard => (2, standard_queries),
        Assurance::High => {
            let per_query = unique_decoding_bits_per_query(rate_bits);
            (3, ((HIGH_ASSURANCE_BITS + 2.0 - f64::from(pow_bits)) / per_query).ceil() as usize)
        }
    };
    CircuitConfig {
        num_wires: 135,
        num_routed_wires: width,
        num_constants: width,
        use_base_arithmetic_gate: true,
        security_bits: 100,
        num_challenges,
        zero_knowledge: true,
        max_quotient_degree_factor: 8,
        fri_config: FriConfig {
            rate_bits,
            cap_height: 4,
            proof_of_work_bits: pow_bits,
            reduction_strategy: FriReductionStrategy::ConstantArityBits(1, 0),
            num_query_rounds,
        },
    }
}

/// Bits a FRI query gives in the unique-decoding regime: a word at relative distance
/// δ < (1 − ρ)/2 from the code passes one query with probability at most 1 − δ, so
/// −log2((1 + ρ)/2) bits per query.
fn unique_decoding_bits_per_query(rate_bits: usize) -> f64 {
    let rho = (-(rate_bits as f64)).exp2();
    -((1.0 + rho) / 2.0).log2()
}

/// A circuit's soundness, in bits (−log2 of a cheating prover's success probability).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecurityBits {
    /// plonky2's conjectured figure: queries × rate bits + proof-of-work bits (capped at
    /// 128). It rests on conjectures about Reed–Solomon list decoding up to capacity.
    pub conjectured: usize,
    /// The provable figure: the better of two analyses of the whole protocol (see
    /// [`security`]), each a sum of the error of every step, rounded down to a tenth.
    pub provable: f64,
}

/// The sizes a circuit's soundness depends on (taken from plonky2's common circuit data).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoundnessInputs {
    /// log2 of the number of rows.
    pub degree_bits: usize,
    /// log2 of the blow-up (1/ρ).
    pub rate_bits: usize,
    /// FRI query rounds.
    pub queries: usize,
    /// FRI proof-of-work (grinding) bits.
    pub pow_bits: usize,
    /// FRI's folding, as the sum over its layers of (arity − 1): a fold by `a` combines
    /// `a` polynomials with powers of one challenge, a degree-(a − 1) curve.
    pub fold_terms: usize,
    /// Independent repetitions of the base-field challenges (β, γ, α).
    pub num_challenges: usize,
    /// Routed wires (columns in the permutation argument).
    pub routed_wires: usize,
    /// Polynomials FRI batches (every committed polynomial opened at ζ, plus the Z
    /// polynomials again at gζ).
    pub batched_polys: usize,
    /// Terms the constraint challenge α combines (gate constraints, permutation checks).
    pub combined_constraints: usize,
    /// Degree of the quotient relative to the rows.
    pub quotient_degree_factor: usize,
}

impl SoundnessInputs {
    /// The sizes of a built circuit.
    pub fn of(common: &CommonCircuitData<F, D>) -> SoundnessInputs {
        let c = &common.config;
        let zs = c.num_challenges * (1 + common.num_partial_products) + common.num_lookup_polys * c.num_challenges;
        let quotient = c.num_challenges * common.quotient_degree_factor;
        // constants and sigmas, wires, Zs and partial products, quotient chunks and the
        // zero-knowledge patch's FRI masks (counted generously: one per quotient chunk)
        let batched = common.num_constants + c.num_routed_wires + c.num_wires + zs + 2 * quotient;
        SoundnessInputs {
            degree_bits: common.degree_bits(),
            rate_bits: c.fri_config.rate_bits,
            queries: c.fri_config.num_query_rounds,
            pow_bits: c.fri_config.proof_of_work_bits as usize,
            fold_terms: fold_terms(&common.fri_params.reduction_arity_bits),
            num_challenges: c.num_challenges,
            routed_wires: c.num_routed_wires,
            batched_polys: batched + c.num_challenges * (1 + common.num_lookup_polys),
            combined_constraints: common.num_gate_constraints + 2 * (1 + common.num_partial_products) + 4,
            quotient_degree_factor: common.quotient_degree_factor,
        }
    }
}

/// Σ (arity − 1) over FRI's folding layers.
fn fold_terms(reduction_arity_bits: &[usize]) -> usize {
    reduction_arity_bits.iter().map(|&b| (1usize << b) - 1).sum()
}

/// The security of a built circuit (see [`security_of`]).
pub fn security(common: &CommonCircuitData<F, D>) -> SecurityBits {
    security_of(&SoundnessInputs::of(common))
}

/// The soundness of plonky2 with these sizes, over Goldilocks (|F| ≈ 2^64) with the
/// quadratic extension (|K| ≈ 2^128) for ζ and FRI's challenges. The error is the sum of:
///
/// 1. the permutation argument: β, γ in F, `num_challenges` times: (wires · rows / |F|)^r;
/// 2. combining the constraints with α in F: (terms / |F|)^r;
/// 3. the out-of-domain check at ζ in K: L · (quotient degree + 1) · rows / |K|, with L
///    the list size of the decoding regime (1 in the unique one);
/// 4. FRI's commit phase (Ben-Sasson, Carmon, Ishai, Kopparty, Saraf, *Proximity gaps for
///    Reed–Solomon codes*, 2020): batching t polynomials with powers of one challenge is a
///    degree-(t − 1) curve, and each fold by `a` a degree-(a − 1) curve (a line for
///    arity 2; `folds` below is their sum, at least one per bit of the domain). Unique
///    decoding (δ < (1 − ρ)/2): (t − 1 + folds) · n / |K| over an evaluation domain of n
///    points. Johnson regime with parameter m ≥ 3 (δ < 1 − √ρ·(1 + 1/2m)): (t − 1 + folds) · (m + ½)^7 · n² /
///    (2 ρ^{3/2} |K|) + (2m + 1)(n + 1) · folds · 2 / (√ρ |K|), as in the ethSTARK
///    documentation's statement of that theorem;
/// 5. FRI's query phase, s queries after `pow` grinding bits: (1 − δ)^s · 2^−pow.
///
/// The provable level is the better of the unique-decoding bound and the best Johnson
/// bound over m. Fiat–Shamir is taken in the random-oracle model with Poseidon as the
/// oracle, and Merkle commitments bind at 128 bits (4-element digests); neither is the
/// binding term here. This is a careful reading of the published bounds, not a
/// machine-checked proof.
pub fn security_of(s: &SoundnessInputs) -> SecurityBits {
    let log_f = (F::ORDER as f64).log2();
    let log_k = 2.0 * log_f;
    let rows = s.degree_bits as f64;
    let rho = (-(s.rate_bits as f64)).exp2();
    let log_n = (s.degree_bits + s.rate_bits) as f64;
    // every fold's curve degree, counted at least once per bit of the domain (arity-2
    // folding down to one coefficient; what the bound was first written for)
    let folds = log_n.max(s.fold_terms as f64);
    let r = s.num_challenges as f64;
    let t = s.batched_polys as f64;
    let permutation = r * ((s.routed_wires as f64).log2() + rows - log_f);
    let combining = r * ((s.combined_constraints as f64).log2() - log_f);
    let ood = |list: f64| list.log2() + ((s.quotient_degree_factor + 1) as f64).log2() + rows - log_k;
    let pow = s.pow_bits as f64;
    let total = |terms: &[f64]| -> f64 { -terms.iter().map(|&e| e.exp2()).sum::<f64>().log2() };

    let unique = total(&[
        permutation,
        combining,
        ood(1.0),
        (t - 1.0 + folds).log2() + log_n - log_k,
        -(s.queries as f64) * unique_decoding_bits_per_query(s.rate_bits) - pow,
    ]);
    let johnson = (3..=64)
        .map(|m| {
            let m = f64::from(m);
            let commit_a =
                (t - 1.0 + folds).log2() + 7.0 * (m + 0.5).log2() + 2.0 * log_n - (2.0 * rho.powf(1.5)).log2() - log_k;
            let commit_b = ((2.0 * m + 1.0) * (log_n.exp2() + 1.0) * folds * 2.0 / rho.sqrt()).log2() - log_k;
            let list = m / rho;
            let query = s.queries as f64 * (rho.sqrt() * (1.0 + 1.0 / (2.0 * m))).log2() - pow;
            total(&[permutation, combining, ood(list), commit_a, commit_b, query])
        })
        .fold(f64::MIN, f64::max);
    let fri = s.queries * s.rate_bits + s.pow_bits;
    SecurityBits { conjectured: fri.min(128), provable: (unique.max(johnson) * 10.0).floor() / 10.0 }
}

/// The configuration of a segment of a model larger than one circuit ([`crate::segment`]):
/// the large-model layout of [`config`] (128 weights per dense row, rate 1/8, 28 queries,
/// 100-bit conjectured security) without zero-knowledge blinding. A segment's proof never
/// leaves the prover: it is a witness of the zero-knowledge aggregate proof
/// ([`aggregate`]), which hides it.
pub fn segment() -> CircuitConfig {
    CircuitConfig { zero_knowledge: false, ..config(usize::MAX, Assurance::Standard) }
}

/// The configuration of a step that folds two segment proofs together
/// ([`crate::segment`]): plonky2's standard recursion configuration (135 wires, 80 routed;
/// 100-bit conjectured) for the folds that stay on the prover's machine, and for the last
/// fold, whose proof is the one published, the same layout with zero knowledge and the FRI
/// parameters of the large-model [`config`] (rate 1/8, 28 queries, folding by 2). A
/// 135-wire circuit with 128 routed wires cannot verify proofs recursively: plonky2's
/// random-access gate would need 152 wires.
pub fn aggregate(last: bool) -> CircuitConfig {
    let standard = CircuitConfig::standard_recursion_config();
    if !last {
        return standard;
    }
    CircuitConfig { zero_knowledge: true, fri_config: config(usize::MAX, Assurance::Standard).fri_config, ..standard }
}

/// The [`MatVecGate`] with the most weights per row that the config holds: one weight per
/// constant column (plonky2's constant rows route every constant, so a config has at most
/// as many constants as routed wires) and routed wires for the inputs and two per output.
pub fn mat_vec_gate(config: &CircuitConfig) -> MatVecGate {
    [16, 8, 4, 2, 1]
        .into_iter()
        .map(|inputs| {
            let outputs = (config.num_constants / inputs).min(config.num_routed_wires.saturating_sub(inputs) / 2);
            MatVecGate { inputs, outputs: outputs.max(1) }
        })
        .max_by_key(|g| (g.macs(), g.inputs))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_config_is_zero_knowledge_with_100_bits() {
        let by_size = [0, SMALL_MODEL_MACS, SMALL_MODEL_MACS + 1, 1 << 22].map(for_model);
        for c in by_size.into_iter().chain([compact(), compact_fast()]) {
            assert!(c.zero_knowledge);
            let f = &c.fri_config;
            assert!(f.num_query_rounds * f.rate_bits + f.proof_of_work_bits as usize >= 100);
        }
    }

    /// The sizes of a circuit of `2^degree_bits` rows in `config`, with plonky2's partial
    /// products for degree-8 constraints and 20 gate constraints.
    fn sizes(config: &CircuitConfig, degree_bits: usize) -> SoundnessInputs {
        let partial = config.num_routed_wires.div_ceil(7);
        let r = config.num_challenges;
        SoundnessInputs {
            degree_bits,
            rate_bits: config.fri_config.rate_bits,
            queries: config.fri_config.num_query_rounds,
            pow_bits: config.fri_config.proof_of_work_bits as usize,
            fold_terms: fold_terms(&config.fri_config.fri_params(degree_bits, true).reduction_arity_bits),
            num_challenges: r,
            routed_wires: config.num_routed_wires,
            batched_polys: 2 * config.num_routed_wires + config.num_wires + r * (1 + partial) + 2 * r * 8 + r,
            combined_constraints: 20 + 2 * (1 + partial) + 4,
            quotient_degree_factor: 8,
        }
    }

    #[test]
    fn standard_configs_are_100_bits_conjectured_and_near_57_provable() {
        let standard = [
            ("compact", compact(), 8..=COMPACT_MAX_DEGREE_BITS),
            ("compact, rate 1/32", compact_fast(), 8..=COMPACT_FAST_MAX_DEGREE_BITS),
            ("small", for_model(0), 8..=18),
            ("large", for_model(usize::MAX), 8..=18),
        ];
        for (name, config, all_bits) in standard {
            for degree_bits in all_bits {
                let s = security_of(&sizes(&config, degree_bits));
                // 17 queries at rate 1/32 give 101 (16 would give 96)
                assert!((100..=101).contains(&s.conjectured), "{name} config: {s:?}");
                assert!((50.0..60.0).contains(&s.provable), "{name} config, 2^{degree_bits} rows: {s:?}");
            }
        }
    }

    #[test]
    fn high_assurance_is_100_provable_bits_up_to_32k_rows() {
        for macs in [0, usize::MAX] {
            let c = config(macs, Assurance::High);
            assert_eq!(c.num_challenges, 3);
            assert!(c.zero_knowledge);
            for degree_bits in 8..=15 {
                let s = security_of(&sizes(&c, degree_bits));
                assert!(s.provable >= HIGH_ASSURANCE_BITS, "{macs} MACs, 2^{degree_bits} rows: {s:?}");
            }
            // the quadratic extension's 128 bits run out for large domains
            assert!(security_of(&sizes(&c, 20)).provable < HIGH_ASSURANCE_BITS);
        }
    }

    #[test]
    fn fewer_queries_or_challenges_lose_the_high_bound() {
        let c = config(0, Assurance::High);
        let s = sizes(&c, 10);
        assert!(security_of(&SoundnessInputs { queries: s.queries - 3, ..s }).provable < HIGH_ASSURANCE_BITS);
        assert!(security_of(&SoundnessInputs { num_challenges: 2, ..s }).provable < HIGH_ASSURANCE_BITS);
        assert!(security_of(&SoundnessInputs { pow_bits: 12, ..s }).provable < HIGH_ASSURANCE_BITS);
    }

    #[test]
    fn assurance_names_round_trip() {
        for a in Assurance::ALL {
            assert_eq!(a.as_str().parse::<Assurance>(), Ok(a));
        }
        assert_eq!(" HIGH ".parse::<Assurance>(), Ok(Assurance::High));
        assert!("max".parse::<Assurance>().is_err());
    }

    #[test]
    fn dense_rows_hold_at_least_64_multiply_adds_but_in_compact_circuits() {
        assert_eq!(mat_vec_gate(&compact()), MatVecGate { inputs: 16, outputs: 2 });
        assert!(COMPACT_MAX_MACS >= mat_vec_gate(&compact()).macs() << COMPACT_MAX_DEGREE_BITS);
        assert_eq!(mat_vec_gate(&for_model(0)), MatVecGate { inputs: 16, outputs: 4 });
        assert_eq!(mat_vec_gate(&for_model(usize::MAX)), MatVecGate { inputs: 16, outputs: 8 });
        for macs in [0, usize::MAX] {
            assert!(mat_vec_gate(&for_model(macs)).macs() >= 64);
            let c = for_model(macs);
            let g = mat_vec_gate(&c);
            assert!(c.num_constants <= c.num_routed_wires, "constant rows route every constant");
            assert!(g.macs() <= c.num_constants && g.inputs + 2 * g.outputs <= c.num_routed_wires);
        }
    }
}
