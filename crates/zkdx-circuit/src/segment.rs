//! Models larger than one circuit: the integer run cut into segments, each proved as a
//! circuit of its own, and the segment proofs folded into one zero-knowledge proof whose
//! public inputs are exactly the model circuit's ([`crate::public`]).
//!
//! **Cuts.** A [`Cut`] is a point of the run: every op before `op` done, and the first
//! `done` outputs of op `op`. A dense or convolution op too large for one segment is
//! computed in parts (blocks of outputs; whole channels of a convolution). The values *live*
//! at a cut are op `op`'s input, then those `done` outputs. No cut falls just before a
//! ReLU, which the rescale gate of the op before it may apply.
//!
//! **Segments.** Segment `s` runs from cut `s` to cut `s + 1` and commits to the live values
//! at each of its cuts with Poseidon and a fresh 4-element salt per cut
//! ([`Hint::CutSalt`]). Its public inputs:
//!
//! | segment | public inputs |
//! |---|---|
//! | first | the model circuit's digest, input commitment and challenge; the commitment at its end |
//! | middle | the commitments at its start and at its end |
//! | last | the commitment at its start; the result, disclosed as the model circuit does |
//!
//! A value carried across a cut is range-checked where it was computed; the commitment binds
//! it to the same value in the next segment.
//!
//! **Folding.** A chain: fold 1 verifies segment 0's proof and segment 1's, fold `s` the
//! proof of fold `s − 1` and segment `s`'s, each against verifier data fixed as circuit
//! constants, so a proof of another segment, position or model is refused. A fold connects
//! the left proof's commitment at its end to the right proof's at its start, and repeats the
//! left prefix (digest, input commitment, challenge) and the right tail: the last fold's
//! public inputs are the model circuit's. The last fold is zero-knowledge
//! ([`config::aggregate`]); segments and earlier folds are not, and never leave the prover:
//! the published proof hides them (they are its witness), and with them every cut's values
//! and commitments.
//!
//! **Memory.** The prover holds one segment's circuit at a time: it builds it, proves, keeps
//! the verifier data and the proof, and drops the circuit before the next segment. A fold
//! holds two proofs. Peak memory follows the segment size ([`SegmentPlan::new`]), not the
//! model's.

use std::ops::Range;
use std::time::Instant;

use plonky2::field::types::Field;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::Target;
use plonky2::iop::witness::{PartialWitness, WitnessWrite};
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData, VerifierCircuitData};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};

use crate::circuit::{layout_for, rescale_gates, Wiring};
use crate::commitment::Salt;
use crate::config;
use crate::error::CircuitError;
use crate::field::{C, D, F};
use crate::gadgets::Builder;
use crate::public::{Challenge, PublicLayout, PublicValues, CHALLENGE_LEN, COMMITMENT_LEN, DIGEST_LIMBS};
use crate::verifier::ModelVerifier;
use crate::witness::{Assignment, Hint, HintTarget};
use zkdx_model::error::contained;
use zkdx_model::infer::{self, Trace};
use zkdx_model::ir::Op;
use zkdx_model::{Disclosure, Model};

/// Public inputs before the result (or the commitment at a segment's end): the digest, the
/// input commitment and the challenge.
const PREFIX: usize = DIGEST_LIMBS + COMMITMENT_LEN + CHALLENGE_LEN;

/// A point of the integer run where one segment ends and the next begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// The op under way: every op before it is done.
    pub op: usize,
    /// How many of its outputs are done (0 at an op boundary).
    pub done: usize,
}

/// Where a model's run is cut into segments, for one disclosure of its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentPlan {
    /// The first cut is the start of the run, the last its end.
    cuts: Vec<Cut>,
    /// What the last segment discloses.
    disclosure: Disclosure,
}

impl SegmentPlan {
    /// Cut `model`'s run (disclosing as `disclosure` says) into segments of at most
    /// `2^max_degree_bits` rows each, as estimated from the ops (the built segments report
    /// their rows: [`StepReport`]). A segment's proving takes about 50–65 KB of memory
    /// per row (README, "Models larger than one circuit").
    pub fn new(model: &Model, disclosure: Disclosure, max_degree_bits: usize) -> Result<SegmentPlan, CircuitError> {
        let rows = 1usize << max_degree_bits.min(30);
        SegmentPlan::with_budget(model, disclosure, (rows - rows / 32).saturating_sub(256))
    }

    /// Cut with a budget of `rows` rows per segment, before plonky2's padding (small budgets
    /// cut small models, for tests).
    pub fn with_budget(model: &Model, disclosure: Disclosure, rows: usize) -> Result<SegmentPlan, CircuitError> {
        Planner::new(model, disclosure, rows).plan()
    }

    /// The cuts, from the start of the run to its end.
    pub fn cuts(&self) -> &[Cut] {
        &self.cuts
    }

    /// How many segments.
    pub fn segments(&self) -> usize {
        self.cuts.len().saturating_sub(1)
    }
}

/// Estimates rows per op to place the cuts.
struct Planner<'m> {
    model: &'m Model,
    disclosure: Disclosure,
    config: CircuitConfig,
    budget: usize,
    /// Weights per dense row: inputs and outputs.
    gate: (usize, usize),
    /// Rescales per row in the rescale gate; `None`: range-checked rescaling.
    rescale_per_row: Option<usize>,
}

impl<'m> Planner<'m> {
    fn new(model: &'m Model, disclosure: Disclosure, budget: usize) -> Planner<'m> {
        let config = config::segment();
        let gate = config::mat_vec_gate(&config);
        let rescale_per_row = rescale_gates(&config, model).map(|(linear, _)| linear.num_ops);
        Planner { model, disclosure, config, budget, gate: (gate.inputs, gate.outputs), rescale_per_row }
    }

    fn len(&self, act: usize) -> usize {
        self.model.bounds().activations.get(act).map_or(0, Vec::len)
    }

    /// Rows of a scratch wiring.
    fn dry(&self, f: impl FnOnce(&mut Wiring) -> Result<(), CircuitError>) -> Result<usize, CircuitError> {
        let mut w = Wiring::new(self.model, self.config.clone());
        f(&mut w)?;
        Ok(w.b.num_gates())
    }

    /// Rows of op `op` wired whole (not a dense or convolution op).
    fn op_rows(&self, op: usize) -> Result<usize, CircuitError> {
        let ops = &self.model.graph().ops;
        let after_linear = op > 0 && matches!(ops.get(op - 1), Some(Op::Dense { .. } | Op::Conv2d { .. }));
        if matches!(ops.get(op), Some(Op::Relu)) && after_linear && self.rescale_per_row.is_some() {
            return Ok(0);
        }
        let n = self.len(op);
        self.dry(|w| {
            let x: Vec<Target> = (0..n).map(|_| w.b.add_virtual_target()).collect();
            w.op(op, &x).map(|_| ())
        })
    }

    /// Rows of a Poseidon commitment to `n` values and a salt (one row per permutation).
    fn commitment_rows(n: usize) -> usize {
        (n + 4).div_ceil(8)
    }

    /// The row cost of dense or convolution op `op`'s outputs; `None` for other ops.
    fn linear(&self, op: usize) -> Option<LinearCost> {
        let (gin, gout) = self.gate;
        let (positions, taps) = match self.model.graph().ops.get(op)? {
            Op::Dense { inputs, .. } => (1, *inputs),
            Op::Conv2d { geometry: g, .. } => (g.out_hw[0] * g.out_hw[1], g.in_channels * g.kernel[0] * g.kernel[1]),
            _ => return None,
        };
        Some(LinearCost {
            positions,
            chunks: taps.div_ceil(gin),
            outputs_per_row: gout,
            rescale_per_row: self.rescale_per_row,
        })
    }

    fn plan(&self) -> Result<SegmentPlan, CircuitError> {
        let ops = &self.model.graph().ops;
        let mut cuts = vec![Cut { op: 0, done: 0 }];
        let start_rows = self.dry(|w| {
            w.commit_to_input();
            Ok(())
        })?;
        let mut used = start_rows;
        let mut fresh = used; // rows of the current segment before its first op
        let (mut op, mut done) = (0, 0);
        while op < ops.len() {
            let out_len = self.len(op + 1);
            if let Some(cost) = self.linear(op) {
                let (unit, rows) = (cost.unit(), |r: Range<usize>| cost.rows(r));
                let live_after = |d: usize| if d == out_len { out_len } else { self.len(op) + d };
                let fits = |d: usize| used + rows(done..d) + Self::commitment_rows(live_after(d)) <= self.budget;
                if fits(out_len) {
                    used += rows(done..out_len);
                    (op, done) = (op + 1, 0);
                    continue;
                }
                let mut d = done;
                while d + unit < out_len && fits(d + unit) {
                    d += unit;
                }
                if d == done && used == fresh {
                    return Err(CircuitError::Build(format!(
                        "op {op}'s smallest block needs more rows than a segment of {} has; choose larger segments",
                        self.budget
                    )));
                }
                done = d;
                cuts.push(Cut { op, done });
                used = Self::commitment_rows(self.len(op) + done);
                fresh = used;
                continue;
            }
            let rows = self.op_rows(op)?;
            let must = matches!(ops[op], Op::Relu) || used == fresh;
            if must || used + rows + Self::commitment_rows(out_len) <= self.budget {
                used += rows;
                op += 1;
            } else {
                cuts.push(Cut { op, done: 0 });
                used = Self::commitment_rows(self.len(op));
                fresh = used;
            }
        }
        let last = self.len(ops.len());
        let tail = self.dry(|w| {
            let x: Vec<Target> = (0..last).map(|_| w.b.add_virtual_target()).collect();
            w.disclose(&x, self.disclosure)
        })?;
        if used + tail > self.budget && used > fresh {
            cuts.push(Cut { op: ops.len(), done: 0 });
        }
        cuts.push(Cut { op: ops.len(), done: 0 });
        Ok(SegmentPlan { cuts, disclosure: self.disclosure })
    }
}

/// The rows of a dense or convolution op's outputs (channel-major): each output position
/// (one for a dense op) is a mat-vec of `chunks` rows per block of `outputs_per_row`
/// channels, then the rescales and the constants of the accumulators' offsets.
struct LinearCost {
    positions: usize,
    chunks: usize,
    outputs_per_row: usize,
    /// Rescales per row in the rescale gate; `None`: range-checked rescaling.
    rescale_per_row: Option<usize>,
}

impl LinearCost {
    /// Outputs in the smallest part a segment computes: a block of channels at every
    /// position.
    fn unit(&self) -> usize {
        self.outputs_per_row * self.positions
    }

    fn rows(&self, outputs: Range<usize>) -> usize {
        let n = outputs.len();
        let channels = n.div_ceil(self.positions);
        let rescale = self.rescale_per_row.map_or(4 * n, |per_row| n.div_ceil(per_row));
        self.positions * channels.div_ceil(self.outputs_per_row) * self.chunks + rescale + n.div_ceil(64)
    }
}

/// A model's run, with what every segment's witness needs: the reference trace, the input's
/// salt, the challenge and a fresh salt per cut.
pub struct Run {
    trace: Trace,
    salt: [F; 4],
    challenge: [F; CHALLENGE_LEN],
    cut_salts: Vec<[F; 4]>,
}

impl Run {
    /// This run with `other`'s cut salts (a test places another model's segment proof,
    /// with the same commitments, in a fold).
    #[doc(hidden)]
    pub fn with_cut_salts_of(self, other: &Run) -> Run {
        Run { cut_salts: other.cut_salts.clone(), ..self }
    }
}

/// A proof and the verifier data it verifies under (a segment's or a fold's).
#[derive(Clone)]
pub struct Piece {
    proof: ProofWithPublicInputs<F, C, D>,
    verifier: VerifierCircuitData<F, C, D>,
}

/// One segment's circuit.
pub struct SegmentCircuit {
    data: CircuitData<F, C, D>,
    hints: Vec<HintTarget>,
    /// Rows before padding.
    rows: usize,
}

/// A fold's circuit: verifies a left and a right proof.
pub struct FoldCircuit {
    data: CircuitData<F, C, D>,
    left: ProofWithPublicInputsTarget<D>,
    right: ProofWithPublicInputsTarget<D>,
}

/// A step of a segmented proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Segment `s`'s circuit built and proved.
    Segment(usize),
    /// Fold `s` (of the chain so far and segment `s`) built and proved.
    Fold(usize),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Segment(s) => write!(f, "segment {s}"),
            Step::Fold(s) => write!(f, "fold {s}"),
        }
    }
}

/// What one step of a segmented proof cost.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// Which step.
    pub step: Step,
    /// log2 of its rows.
    pub degree_bits: usize,
    /// Seconds to build its circuit.
    pub build_s: f64,
    /// Seconds to prove.
    pub prove_s: f64,
}

/// A segmented proof: the last fold's, with the verifier it verifies under.
pub struct SegmentedProof {
    /// The proof with its public inputs (plonky2's bytes, as a model circuit's).
    pub bytes: Vec<u8>,
    /// Its public values.
    pub public: PublicValues,
    /// The verifier (the last fold's verifier data, which binds every segment).
    pub verifier: ModelVerifier,
    /// Every step in order.
    pub steps: Vec<StepReport>,
}

/// A model proved in segments ([`SegmentPlan`]) and folded into one proof.
pub struct Segmented<'m> {
    model: &'m Model,
    plan: SegmentPlan,
}

impl<'m> Segmented<'m> {
    /// `model` cut as `plan` (made for this model) says. A plan of one segment is refused:
    /// prove such a model with [`crate::ModelCircuit`].
    pub fn new(model: &'m Model, plan: SegmentPlan) -> Result<Segmented<'m>, CircuitError> {
        if plan.segments() < 2 {
            return Err(CircuitError::Build("this model fits one circuit; prove it whole".into()));
        }
        Ok(Segmented { model, plan })
    }

    /// How many segments.
    pub fn segments(&self) -> usize {
        self.plan.segments()
    }

    /// The run of the quantised `input` (within the model's ranges), committed with `salt`,
    /// answering `challenge`, with fresh cut salts.
    pub fn run(&self, input: &[i64], salt: &Salt, challenge: Option<&Challenge>) -> Result<Run, CircuitError> {
        if input.len() != self.model.graph().input_len() {
            return Err(CircuitError::Prove(format!(
                "{} input values for a model of {}",
                input.len(),
                self.model.graph().input_len()
            )));
        }
        Ok(Run {
            trace: infer::run(self.model.graph(), input),
            salt: salt.field(),
            challenge: challenge.map_or([0; CHALLENGE_LEN], |c| c.limbs()).map(F::from_canonical_u64),
            cut_salts: (0..self.plan.cuts.len()).map(|_| Salt::random().field()).collect(),
        })
    }

    /// Build segment `s`'s circuit.
    pub fn segment(&self, s: usize) -> Result<SegmentCircuit, CircuitError> {
        let (Some(&start), Some(&end)) = (self.plan.cuts.get(s), self.plan.cuts.get(s + 1)) else {
            return Err(CircuitError::Build(format!("there is no segment {s}")));
        };
        let mut w = Wiring::new(self.model, config::segment());
        let (mut x, mut part) = if s == 0 {
            (w.commit_to_input(), Vec::new())
        } else {
            let (x, part) = live(&mut w, start);
            commit(&mut w, s, &x, &part);
            (x, part)
        };
        let (mut op, mut done) = (start.op, start.done);
        while (op, done) != (end.op, end.done) {
            let len = self
                .model
                .bounds()
                .activations
                .get(op + 1)
                .map(Vec::len)
                .ok_or_else(|| CircuitError::Build(format!("segment {s} runs past the last op")))?;
            let stop = if op == end.op { end.done } else { len };
            if done == 0 && stop == len {
                x = w.op(op, &x)?.0;
                op += 1;
                continue;
            }
            part.extend(w.linear_part(op, &x, done..stop)?);
            if stop == len {
                w.finish_linear(op);
                x = std::mem::take(&mut part);
                (op, done) = (op + 1, 0);
            } else {
                done = stop;
            }
        }
        if s + 1 == self.segments() {
            layout_for(self.model, self.plan.disclosure, x.len())?;
            w.disclose(&x, self.plan.disclosure)?;
        } else {
            commit(&mut w, s + 1, &x, &part);
        }
        let rows = w.b.num_gates();
        let Wiring { b, hints, .. } = w;
        Ok(SegmentCircuit { data: b.build::<C>(), hints, rows })
    }

    /// Build fold `s`: the circuit that verifies a proof of the circuit that made `left`
    /// (segment 0, or fold `s − 1`) and one of the circuit that made `right` (segment `s`),
    /// with their verifier data as constants. The last fold (of the last segment) is
    /// zero-knowledge.
    pub fn fold(&self, s: usize, left: &Piece, right: &Piece) -> Result<FoldCircuit, CircuitError> {
        self.fold_of(s, &left.verifier, &right.verifier)
    }

    fn fold_of(
        &self,
        s: usize,
        left: &VerifierCircuitData<F, C, D>,
        right: &VerifierCircuitData<F, C, D>,
    ) -> Result<FoldCircuit, CircuitError> {
        // left: the prefix and the commitment at the cut; right: that commitment first
        if left.common.num_public_inputs != PREFIX + COMMITMENT_LEN || right.common.num_public_inputs < COMMITMENT_LEN {
            return Err(CircuitError::Build(format!("fold {s} was given proofs of circuits that are not segments")));
        }
        let mut b = Builder::new(config::aggregate(s + 1 == self.segments()));
        let lp = b.add_virtual_proof_with_pis(&left.common);
        let rp = b.add_virtual_proof_with_pis(&right.common);
        let lvd = b.constant_verifier_data(&left.verifier_only);
        let rvd = b.constant_verifier_data(&right.verifier_only);
        b.verify_proof::<C>(&lp, &lvd, &left.common);
        b.verify_proof::<C>(&rp, &rvd, &right.common);
        for (&l, &r) in lp.public_inputs[PREFIX..].iter().zip(&rp.public_inputs[..COMMITMENT_LEN]) {
            b.connect(l, r);
        }
        let prefix: Vec<Target> = lp.public_inputs.iter().take(PREFIX).copied().collect();
        let tail: Vec<Target> = rp.public_inputs.iter().skip(COMMITMENT_LEN).copied().collect();
        b.register_public_inputs(&prefix);
        b.register_public_inputs(&tail);
        Ok(FoldCircuit { data: b.build::<C>(), left: lp, right: rp })
    }

    /// The public-input layout of the folded proof.
    pub fn layout(&self) -> Result<PublicLayout, CircuitError> {
        let outputs = self.model.bounds().activations.last().map_or(0, Vec::len);
        layout_for(self.model, self.plan.disclosure, outputs)
    }

    /// Prove: every segment in turn, each folded into the chain as soon as it is proved.
    pub fn prove(&self, run: &Run) -> Result<SegmentedProof, CircuitError> {
        self.prove_observed(run, |_| {})
    }

    /// [`Segmented::prove`], telling `observe` of each step as it ends (a progress report).
    pub fn prove_observed(
        &self,
        run: &Run,
        mut observe: impl FnMut(&StepReport),
    ) -> Result<SegmentedProof, CircuitError> {
        let mut steps: Vec<StepReport> = Vec::new();
        let mut chain: Option<Piece> = None;
        for s in 0..self.segments() {
            let t = Instant::now();
            let circuit = self.segment(s)?;
            let build_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let piece = circuit.prove(self.model, run, |_, _| {})?;
            let degree_bits = circuit.data.common.degree_bits();
            let report =
                StepReport { step: Step::Segment(s), degree_bits, build_s, prove_s: t.elapsed().as_secs_f64() };
            observe(&report);
            steps.push(report);
            drop(circuit);
            chain = Some(match chain {
                None => piece,
                Some(left) => {
                    let t = Instant::now();
                    let fold = self.fold(s, &left, &piece)?;
                    let build_s = t.elapsed().as_secs_f64();
                    let t = Instant::now();
                    let folded = fold.prove(&left, &piece)?;
                    let degree_bits = fold.data.common.degree_bits();
                    let report =
                        StepReport { step: Step::Fold(s), degree_bits, build_s, prove_s: t.elapsed().as_secs_f64() };
                    observe(&report);
                    steps.push(report);
                    folded
                }
            });
        }
        let last = chain.ok_or_else(|| CircuitError::Prove("no segment".into()))?;
        let verifier = ModelVerifier::folded(last.verifier.clone(), self.layout()?);
        let bytes = last.proof.to_bytes();
        let public = verifier.verify(&bytes)?;
        Ok(SegmentedProof { bytes, public, verifier, steps })
    }

    /// The verifier of this model's segmented proofs, built without proving: every segment's
    /// circuit and every fold's, in turn (deterministic, like a model circuit).
    pub fn verifier(&self) -> Result<ModelVerifier, CircuitError> {
        let mut chain: Option<VerifierCircuitData<F, C, D>> = None;
        for s in 0..self.segments() {
            let right = self.segment(s)?.data.verifier_data();
            chain = Some(match chain {
                None => right,
                Some(left) => self.fold_of(s, &left, &right)?.data.verifier_data(),
            });
        }
        let last = chain.ok_or_else(|| CircuitError::Build("no segment".into()))?;
        Ok(ModelVerifier::folded(last, self.layout()?))
    }
}

/// Targets for the values live at `cut` (op `cut.op`'s input, then its first `cut.done`
/// outputs), filled from the trace.
fn live(w: &mut Wiring, cut: Cut) -> (Vec<Target>, Vec<Target>) {
    let n = w.activation_len(cut.op);
    let x = (0..n).map(|i| w.hint(Hint::Live { act: cut.op, i })).collect();
    // a dense or convolution op whose rescale gate applies the next ReLU gives its ReLU's output
    let act = if w.fuses_relu_after(cut.op) { cut.op + 2 } else { cut.op + 1 };
    let part = (0..cut.done).map(|i| w.hint(Hint::Live { act, i })).collect();
    (x, part)
}

/// Commit to the values live at cut `cut` with that cut's salt; the commitment is public.
fn commit(w: &mut Wiring, cut: usize, x: &[Target], part: &[Target]) {
    let salt: Vec<Target> = (0..4).map(|j| w.hint(Hint::CutSalt { cut, j })).collect();
    let preimage: Vec<Target> = x.iter().chain(part).chain(&salt).copied().collect();
    let h = w.b.hash_n_to_hash_no_pad::<PoseidonHash>(preimage);
    w.b.register_public_inputs(&h.elements);
}

impl SegmentCircuit {
    /// log2 of its rows, and its rows before padding.
    pub fn size(&self) -> (usize, usize) {
        (self.data.common.degree_bits(), self.rows)
    }

    /// Prove this segment of `run`, with a hook that may change hint values first (the
    /// soundness tests play a dishonest prover with it; pass `|_, _| {}`).
    pub fn prove(&self, model: &Model, run: &Run, mut tamper: impl FnMut(Hint, &mut F)) -> Result<Piece, CircuitError> {
        let k = model.graph().scale_bits;
        let assignment = Assignment {
            trace: &run.trace,
            salt: run.salt,
            cut_salts: &run.cut_salts,
            challenge: run.challenge,
            k,
            head: model.graph().head,
            resolution_steps: zkdx_model::disclosure::resolution_steps(model.score_resolution(), k),
        };
        let mut pw = PartialWitness::new();
        for &(target, hint) in &self.hints {
            let mut v = assignment.value(hint);
            tamper(hint, &mut v);
            pw.set_target(target, v).map_err(|e| CircuitError::Prove(e.to_string()))?;
        }
        let proof = contained(|| self.data.prove(pw))
            .map_err(|_| CircuitError::Prove("the segment prover stopped on an inconsistent witness".into()))?
            .map_err(|e| CircuitError::Prove(e.to_string()))?;
        Ok(Piece { proof, verifier: self.data.verifier_data() })
    }
}

impl FoldCircuit {
    /// Fold `left` and `right` into one proof (an error, or a proof that does not verify,
    /// when either does not verify under the verifier data fixed in this fold).
    pub fn prove(&self, left: &Piece, right: &Piece) -> Result<Piece, CircuitError> {
        let mut pw = PartialWitness::new();
        // a proof of another shape than the fold expects stops plonky2's witness writer
        contained(|| {
            pw.set_proof_with_pis_target(&self.left, &left.proof)?;
            pw.set_proof_with_pis_target(&self.right, &right.proof)
        })
        .map_err(|_| CircuitError::Prove("a proof of another circuit's shape cannot be folded here".into()))?
        .map_err(|e| CircuitError::Prove(e.to_string()))?;
        let proof = contained(|| self.data.prove(pw))
            .map_err(|_| CircuitError::Prove("the fold prover stopped on an inconsistent witness".into()))?
            .map_err(|e| CircuitError::Prove(e.to_string()))?;
        Ok(Piece { proof, verifier: self.data.verifier_data() })
    }
}

impl Piece {
    /// The proof's public inputs.
    pub fn public_inputs(&self) -> &[F] {
        &self.proof.public_inputs
    }

    /// Whether the proof verifies under its own verifier data.
    pub fn verifies(&self) -> bool {
        contained(|| self.verifier.verify(self.proof.clone())).is_ok_and(|r| r.is_ok())
    }
}
