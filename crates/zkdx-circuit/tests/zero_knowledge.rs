//! Conformance tests for zkDx's zero-knowledge patch to plonky2 1.1.0
//! (`patches/plonky2-1.1.0-zk.patch`, documented in `docs/zero-knowledge.md`): one test per
//! gap that plonky2 issue #1605 and IACR eprint 2024/1037 name, on the configuration zkDx
//! proves with.
//!
//! - Quotient chunks: the chunks recombine to the quotient, fit the committed degree, and
//!   their openings (at `zeta` and at every FRI query) are uniformly random but for the one
//!   identity the verifier checks: a rank computation over the field, for the small- and
//!   large-model configurations.
//! - FRI batching: `D` random mask polynomials are committed and opened with the quotient,
//!   fresh per proof, and bound by the proof.
//! - Witness randomness: the blinding rows cover every value a proof reveals of a wire or
//!   permutation polynomial, extension-field openings counted `D` times.
#![allow(clippy::panic)]

use plonky2::field::extension::quadratic::QuadraticExtension;
use plonky2::field::extension::FieldExtension;
use plonky2::field::polynomial::PolynomialCoeffs;
use plonky2::field::types::{Field, Sample};
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};
use plonky2::plonk::prover::quotient_chunks;
use rand::rngs::StdRng;
use rand::SeedableRng;
use zkdx_circuit::config::{aggregate, compact, compact_fast, for_model};
use zkdx_circuit::field::{C, D, F};

type E = QuadraticExtension<F>;

/// The parameters of the quotient split for a circuit of `2^degree_bits` rows.
struct Split {
    n: usize,
    chunk_len: usize,
    num_chunks: usize,
    link_degree: usize,
    queries: usize,
}

fn split(config: &CircuitConfig, degree_bits: usize) -> Split {
    let n = 1 << degree_bits;
    let link_degree = 2 * D + config.fri_config.num_query_rounds;
    let chunk_len = n - link_degree;
    let num_chunks = (config.max_quotient_degree_factor * n).div_ceil(chunk_len);
    Split { n, chunk_len, num_chunks, link_degree, queries: config.fri_config.num_query_rounds }
}

fn eval(p: &PolynomialCoeffs<F>, x: F) -> F {
    p.coeffs.iter().rev().fold(F::ZERO, |acc, &c| acc * x + c)
}

#[test]
fn quotient_chunks_recombine_to_the_quotient_within_degree_n_and_are_linked_at_random() {
    let s = split(&for_model(0), 8);
    let mut rng = StdRng::seed_from_u64(1);
    let degree = 8 * s.n;
    let t = PolynomialCoeffs::new((0..degree - 9).map(|_| F::sample(&mut rng)).collect::<Vec<F>>());
    let chunks = quotient_chunks(&t, s.n, s.chunk_len, s.num_chunks, s.link_degree, &mut rng);
    assert_eq!(chunks.len(), s.num_chunks);
    assert!(chunks.iter().all(|c| c.coeffs.len() == s.n), "every chunk has degree below n");
    // sum_i X^(i m) chunk_i == t, coefficient by coefficient
    let mut sum = vec![F::ZERO; s.num_chunks * s.chunk_len + s.link_degree];
    for (i, c) in chunks.iter().enumerate() {
        for (j, &v) in c.coeffs.iter().enumerate() {
            sum[i * s.chunk_len + j] += v;
        }
    }
    let mut want = t.coeffs.clone();
    want.resize(sum.len(), F::ZERO);
    assert_eq!(sum, want);
    // the links are there: chunk 0 carries coefficients past the plain split, and a second
    // split of the same quotient differs
    assert!(chunks[0].coeffs[s.chunk_len..].iter().any(|v| *v != F::ZERO));
    let again = quotient_chunks(&t, s.n, s.chunk_len, s.num_chunks, s.link_degree, &mut rng);
    assert_ne!(chunks, again);
    // and the top chunk, plain, would be nearly empty (a quotient of degree below 8n)
    let x = F::from_canonical_u64(7);
    let plain = quotient_chunks(&t, s.n, s.chunk_len, s.num_chunks, 0, &mut rng);
    let recombined: F = chunks.iter().enumerate().map(|(i, c)| x.exp_u64((i * s.chunk_len) as u64) * eval(c, x)).sum();
    assert_eq!(recombined, eval(&t, x));
    assert_ne!(eval(&plain[1], x), eval(&chunks[1], x));
}

/// The rank, over the field, of a matrix given by rows.
fn rank(mut rows: Vec<Vec<F>>) -> usize {
    let cols = rows.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) = (r..rows.len()).find(|&i| rows[i][c] != F::ZERO) else { continue };
        rows.swap(r, p);
        let inv = rows[r][c].inverse();
        let pivot: Vec<F> = rows[r].iter().map(|v| *v * inv).collect();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r && row[c] != F::ZERO {
                let f = row[c];
                for (v, p) in row.iter_mut().zip(&pivot) {
                    *v -= f * *p;
                }
            }
        }
        rows[r] = pivot;
        r += 1;
    }
    r
}

/// The linear map from the link coefficients `c_1..c_{k-1}` to every chunk value a proof
/// reveals: each chunk at `zeta` (an extension element: `D` base coordinates) and at each
/// query point. Returns its rank and the dimension it must reach for the openings to be
/// uniform given the quotient's values at those points, `(k - 1)` per revealed coordinate.
fn link_rank(s: &Split, link_degree: usize, seed: u64) -> (usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let zeta = E::sample(&mut rng);
    let queries: Vec<F> = (0..s.queries).map(|_| F::sample(&mut rng)).collect();
    let cols = (s.num_chunks - 1) * link_degree;
    // column of coefficient j of c_l (l = 1..k-1): (l - 1) * link_degree + j
    let col = |l: usize, j: usize| (l - 1) * link_degree + j;
    let mut rows = Vec::new();
    for i in 0..s.num_chunks {
        // chunk i = t_i - c_i + X^m c_{i+1}
        let mut zeta_rows = vec![vec![F::ZERO; cols]; D];
        let mut query_rows = vec![vec![F::ZERO; cols]; s.queries];
        for j in 0..link_degree {
            if i >= 1 {
                let z = -zeta.exp_u64(j as u64);
                for (d, v) in FieldExtension::<D>::to_basefield_array(&z).into_iter().enumerate() {
                    zeta_rows[d][col(i, j)] += v;
                }
                for (row, x) in query_rows.iter_mut().zip(&queries) {
                    row[col(i, j)] -= x.exp_u64(j as u64);
                }
            }
            if i + 1 < s.num_chunks {
                let z = zeta.exp_u64((s.chunk_len + j) as u64);
                for (d, v) in FieldExtension::<D>::to_basefield_array(&z).into_iter().enumerate() {
                    zeta_rows[d][col(i + 1, j)] += v;
                }
                for (row, x) in query_rows.iter_mut().zip(&queries) {
                    row[col(i + 1, j)] += x.exp_u64((s.chunk_len + j) as u64);
                }
            }
        }
        rows.extend(zeta_rows);
        rows.extend(query_rows);
    }
    (rank(rows), (s.num_chunks - 1) * (D + s.queries))
}

#[test]
fn quotient_chunk_openings_are_uniform_but_for_the_identity_the_verifier_checks() {
    // The revealed chunk values are (values fixed by the quotient) + A * (link coefficients).
    // Their sum weighted by powers of each point is the quotient's value there whatever the
    // links; every other direction is hidden exactly when A reaches full rank on that
    // complement. Checked for every configuration at the smallest degree zkDx proves with.
    let configs = [
        ("compact", compact()),
        ("compact, rate 1/32", compact_fast()),
        ("small", for_model(0)),
        ("large", for_model(1_000_000)),
        ("segmented proofs' last fold", aggregate(true)),
    ];
    for (name, config) in configs {
        let s = split(&config, 8);
        let (got, needed) = link_rank(&s, s.link_degree, 5);
        assert_eq!(got, needed, "{name} config: chunk openings not hidden");
        // the plonky2 1.1.0 split (no links) hides nothing
        let plain = Split { chunk_len: s.n, num_chunks: 8, ..s };
        assert_eq!(link_rank(&plain, 0, 5).0, 0);
    }
}

/// The zero-knowledge configurations zkDx proves small circuits with, and that of a
/// segmented proof's last fold (`zkdx_circuit::segment`).
fn small_configs() -> [CircuitConfig; 4] {
    [compact(), compact_fast(), for_model(0), aggregate(true)]
}

/// A small circuit on a production configuration: `x * x + 3 = y` with `x` private.
fn square_circuit(config: CircuitConfig) -> (CircuitData<F, C, D>, plonky2::iop::target::Target) {
    let mut b = CircuitBuilder::<F, D>::new(config);
    let x = b.add_virtual_target();
    let xx = b.mul(x, x);
    let three = b.constant(F::from_canonical_u64(3));
    let y = b.add(xx, three);
    b.register_public_input(y);
    (b.build::<C>(), x)
}

#[test]
fn fri_masks_are_committed_and_opened_with_the_quotient_fresh_per_proof_and_bound() {
    for config in small_configs() {
        masks_are_fresh_and_bound(config);
    }
}

fn masks_are_fresh_and_bound(config: CircuitConfig) {
    let (data, x) = square_circuit(config);
    let common = &data.common;
    assert_eq!(common.num_fri_masks(), D);
    assert_eq!(common.num_quotient_chunks(), split(&common.config, common.degree_bits()).num_chunks);
    let prove = || {
        let mut pw = PartialWitness::new();
        pw.set_target(x, F::from_canonical_u64(1234)).unwrap_or_else(|e| panic!("{e}"));
        data.prove(pw).unwrap_or_else(|e| panic!("{e}"))
    };
    let (a, b) = (prove(), prove());
    let chunk_openings = common.config.num_challenges * common.num_quotient_chunks();
    assert_eq!(a.proof.openings.quotient_polys.len(), chunk_openings + D);
    let masks = |p: &plonky2::plonk::proof::ProofWithPublicInputs<F, C, D>| {
        p.proof.openings.quotient_polys[chunk_openings..].to_vec()
    };
    assert!(masks(&a).iter().all(|m| *m != <E as Field>::ZERO));
    assert_ne!(masks(&a), masks(&b), "the masks are fresh per proof");
    data.verify(a.clone()).unwrap_or_else(|e| panic!("{e}"));
    let mut forged = a;
    let last = forged.proof.openings.quotient_polys.len() - 1;
    forged.proof.openings.quotient_polys[last] += <E as Field>::ONE;
    assert!(data.verify(forged).is_err(), "a changed mask opening must not verify");
}

#[test]
fn without_zero_knowledge_the_split_is_plonky2s() {
    // The soundness-test and wrapper configurations keep plonky2's own quotient layout.
    let mut config = for_model(0);
    config.zero_knowledge = false;
    let mut b = CircuitBuilder::<F, D>::new(config);
    let x = b.add_virtual_target();
    let y = b.mul(x, x);
    b.register_public_input(y);
    let data = b.build::<C>();
    let common = &data.common;
    assert_eq!(common.num_fri_masks(), 0);
    assert_eq!(common.quotient_chunk_len(), common.degree());
    assert_eq!(common.num_quotient_chunks(), common.quotient_degree_factor);
    let mut pw = PartialWitness::new();
    pw.set_target(x, F::from_canonical_u64(9)).unwrap_or_else(|e| panic!("{e}"));
    let proof = data.prove(pw).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(proof.proof.openings.quotient_polys.len(), common.config.num_challenges * common.quotient_degree_factor);
    data.verify(proof).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn blinding_rows_cover_every_revealed_value_counting_extension_openings_d_times() {
    // A wire polynomial is opened at zeta (an extension element: D base values) and at every
    // FRI query (its leaf); a permutation polynomial also at g * zeta. The values FRI's
    // folding layers reveal are masked by the FRI masks, so they need no witness randomness
    // (plonky2 1.1.0 counted them per witness polynomial: 527 rows instead of 23 here).
    // plonky2 adds one random row per revealed wire value and a copy-constrained random pair
    // per revealed permutation value; the masks need a degree of at least every value they
    // hide.
    for config in small_configs() {
        blinding_covers_every_revealed_value(config);
    }
}

fn blinding_covers_every_revealed_value(config: CircuitConfig) {
    let (data, _) = square_circuit(config);
    let common = &data.common;
    let q = common.config.fri_config.num_query_rounds;
    let regular = D + q;
    let z = 2 * D + q;
    let random_wires = data.prover_only.generators.iter().filter(|g| g.0.id() == "RandomValueGenerator").count();
    // plus the public-input gate's wires past the 4-element hash, randomised against a
    // division by zero in the permutation argument
    let public_input_gate = common.config.num_wires - 4;
    assert_eq!(
        random_wires,
        regular * common.config.num_wires + z * common.config.num_routed_wires + public_input_gate,
        "random rows: {regular} (all wires) and {z} pairs (routed wires) expected"
    );
    let arities: Vec<usize> = common.fri_params.reduction_arity_bits.iter().map(|b| 1 << b).collect();
    let folding: usize = arities.iter().map(|a| a - 1).sum();
    let final_coeffs = common.degree() / arities.iter().product::<usize>();
    let mask_values = D + q * (1 + folding) + final_coeffs;
    assert!(common.degree() >= regular + 2 * z);
    assert!(common.degree() >= mask_values, "degree {} cannot hide {mask_values} mask values", common.degree());
    assert!(common.degree() > common.quotient_blinding_degree());
}
