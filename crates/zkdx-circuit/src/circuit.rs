//! The circuit of a whole model: input range checks, the input commitment, one gadget per
//! op, the head (argmax or sign), the disclosed result (exact outputs, or whole percents and
//! rounded scores proved from them), and the public inputs (see [`crate::public`]).

use plonky2::field::types::Field;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::Target;
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};

use crate::config::{self, Assurance, SecurityBits};
use crate::error::CircuitError;
use crate::field::{to_field, C, D, F};
use crate::gadgets::range::{assert_between, assert_range};
use crate::gadgets::{argmax, dense, disclose, pool, relu, rescale, sigmoid, Builder};
use crate::gates::rescale::RescaleGate;
use crate::public::PublicLayout;
use crate::public::CHALLENGE_LEN;
use crate::witness::{Hint, HintTarget};
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::disclosure::resolution_steps;
use zkdx_model::infer::conv_outputs;
use zkdx_model::ir::{Head, Op};
use zkdx_model::{Disclosure, Model};

/// Which of a model's circuits: what it discloses and at which assurance. Each variant has
/// its own verifier data, so a publisher pins each one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Variant {
    /// What the proof makes public.
    pub disclosure: Disclosure,
    /// How much soundness it has.
    pub assurance: Assurance,
}

impl Variant {
    /// The variant's key in endorsements and the verifier cache: the disclosure's name,
    /// with `+high` at high assurance (`coarse`, `coarse+high`).
    pub fn key(&self) -> String {
        match self.assurance {
            Assurance::Standard => self.disclosure.to_string(),
            Assurance::High => format!("{}+high", self.disclosure),
        }
    }
}

impl From<Disclosure> for Variant {
    /// The standard-assurance variant.
    fn from(disclosure: Disclosure) -> Variant {
        Variant { disclosure, assurance: Assurance::Standard }
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.assurance {
            Assurance::Standard => write!(f, "{}", self.disclosure),
            Assurance::High => write!(f, "{} high-assurance", self.disclosure),
        }
    }
}

/// A model's circuit, ready to prove and verify.
pub struct ModelCircuit {
    /// plonky2's prover and verifier data.
    pub data: CircuitData<F, C, D>,
    /// The public-input layout.
    pub layout: PublicLayout,
    /// The prover's hint targets.
    pub hints: Vec<HintTarget>,
    /// Scale bits of the model.
    pub scale_bits: u32,
    /// Rows before blinding and padding, and how many of them are mat-vec rows.
    pub rows: (usize, usize),
    /// The targets of every activation: the input, then each op's output (the soundness
    /// tests tamper with them).
    pub activations: Vec<Vec<Target>>,
    /// The accumulators of each dense and convolution op before rescaling (empty for other
    /// ops; the soundness tests tamper with them).
    pub accumulators: Vec<Vec<Target>>,
    /// The assurance level it was built at.
    pub assurance: Assurance,
}

/// Sizes of a built circuit.
#[derive(Debug, Clone, Copy)]
pub struct CircuitStats {
    /// log2 of the number of rows.
    pub degree_bits: usize,
    /// Rows after blinding and padding (`2^degree_bits`).
    pub gates: usize,
    /// Rows the model itself uses, before zero-knowledge blinding and padding.
    pub model_rows: usize,
    /// [`MatVecGate`](crate::gates::mat_vec::MatVecGate) rows (dense layers, convolutions).
    pub mat_vec_rows: usize,
}

impl ModelCircuit {
    /// Build the circuit for `model`, disclosing the result as `disclosure` says, at
    /// standard assurance. Deterministic: the same model and disclosure give the same
    /// verifier data on any machine.
    pub fn build(model: &Model, disclosure: Disclosure) -> Result<ModelCircuit, CircuitError> {
        ModelCircuit::build_with(model, disclosure.into())
    }

    /// The circuit of `model`'s `variant`: its disclosure at its assurance. At
    /// [`Assurance::High`] a circuit whose provable soundness ([`config::security`]) falls
    /// below [`config::HIGH_ASSURANCE_BITS`] is refused.
    pub fn build_with(model: &Model, variant: Variant) -> Result<ModelCircuit, CircuitError> {
        let Variant { disclosure, assurance } = variant;
        let graph = &model.graph();
        let k = graph.scale_bits;
        let mut b = Builder::new(config::config(graph.macs(), assurance));
        let mat_vec_gate = config::mat_vec_gate(&b.config);
        let rescale_gates = rescale_gates(&b.config, model);
        let mut hints: Vec<HintTarget> = Vec::new();
        let mut hint = |b: &mut Builder, h: Hint| {
            let t = b.add_virtual_target();
            hints.push((t, h));
            t
        };

        for limb in model.digest().limbs() {
            let t = b.constant(F::from_canonical_u32(limb));
            b.register_public_input(t);
        }

        let bounds = &model.bounds().activations;
        let mut cur: Vec<Target> = (0..graph.input_len()).map(|i| hint(&mut b, Hint::Input(i))).collect();
        for (&x, iv) in cur.iter().zip(&bounds[0]) {
            assert_between(&mut b, x, iv.lo, iv.hi);
        }
        let salt: Vec<Target> = (0..4).map(|j| hint(&mut b, Hint::Salt(j))).collect();
        let preimage: Vec<Target> = cur.iter().chain(&salt).copied().collect();
        let commitment = b.hash_n_to_hash_no_pad::<PoseidonHash>(preimage);
        b.register_public_inputs(&commitment.elements);
        // the freshness challenge: public inputs the prover sets and the verifier supplies,
        // bound to the proof by plonky2's public-input hash (no other constraint needed)
        let challenge: Vec<Target> = (0..CHALLENGE_LEN).map(|j| hint(&mut b, Hint::Challenge(j))).collect();
        b.register_public_inputs(&challenge);

        let half = 1i128 << (k - 1);
        let mut sigmoid_table: Option<Vec<Vec<i64>>> = None;
        let mut activations = vec![cur.clone()];
        let mut accumulators = Vec::with_capacity(graph.ops.len());
        let mut relu_done = false;
        let mut mat_vec_rows = 0;
        for (op_index, op) in graph.ops.iter().enumerate() {
            let relu_next = matches!(graph.ops.get(op_index + 1), Some(Op::Relu));
            let fused = rescale_gates.map(|(linear, relu)| if relu_next { relu } else { linear });
            let fuses_relu = relu_next && fused.is_some();
            let (x_iv, y_iv) = (&bounds[op_index], &bounds[op_index + 1]);
            let mut down = |b: &mut Builder, acc: Target, i: usize| -> Result<Target, CircuitError> {
                let iv = y_iv[i];
                let t = rescale::rescale(b, acc, k, iv.lo, iv.width_bits()).map_err(CircuitError::Build)?;
                hints.push((t.q, Hint::Quotient { op: op_index, i }));
                hints.push((t.r, Hint::Remainder { op: op_index, i }));
                Ok(t.q)
            };
            let mut rescale_all = |b: &mut Builder, accs: Vec<Target>| -> Result<Vec<Target>, CircuitError> {
                match fused {
                    Some(gate) => Ok(accs.into_iter().map(|acc| rescale::rescale_in_gate(b, gate, acc)).collect()),
                    None => accs.into_iter().enumerate().map(|(i, acc)| down(b, acc, i)).collect(),
                }
            };
            let relu_was_fused = std::mem::replace(&mut relu_done, false);
            let mut op_accs = Vec::new();
            cur = match op {
                Op::Dense { inputs, weights, bias, .. } => {
                    let rows: Vec<&[i64]> = weights.chunks(*inputs).collect();
                    let inits: Vec<i128> = bias.iter().map(|&c| i128::from(c) + half).collect();
                    let before = b.num_gates();
                    let accs = dense::mat_vec(&mut b, mat_vec_gate, &rows, &cur, &inits);
                    mat_vec_rows += b.num_gates() - before;
                    relu_done = fuses_relu;
                    op_accs = accs.clone();
                    rescale_all(&mut b, accs)?
                }
                Op::Conv2d { geometry: g, kernel, bias } => {
                    // outputs at one position (every channel) read the same taps: one mat-vec each
                    type Group = (Vec<usize>, Vec<(usize, usize, Vec<i64>)>);
                    let mut groups: Vec<Group> = Vec::new();
                    let mut group_of: std::collections::HashMap<Vec<usize>, usize> = Default::default();
                    for (i, (o, taps)) in conv_outputs(g, kernel).enumerate() {
                        let (idx, ws): (Vec<usize>, Vec<i64>) = taps.into_iter().unzip();
                        let gi = *group_of.entry(idx.clone()).or_insert_with(|| {
                            groups.push((idx, Vec::new()));
                            groups.len() - 1
                        });
                        groups[gi].1.push((i, o, ws));
                    }
                    let mut accs: Vec<Option<Target>> = vec![None; g.output_len()];
                    for (idx, members) in &groups {
                        let xs: Vec<Target> = idx.iter().map(|&j| cur[j]).collect();
                        let rows: Vec<&[i64]> = members.iter().map(|(_, _, ws)| ws.as_slice()).collect();
                        let inits: Vec<i128> = members.iter().map(|&(_, o, _)| i128::from(bias[o]) + half).collect();
                        let before = b.num_gates();
                        let group_accs = dense::mat_vec(&mut b, mat_vec_gate, &rows, &xs, &inits);
                        mat_vec_rows += b.num_gates() - before;
                        for ((i, _, _), acc) in members.iter().zip(group_accs) {
                            accs[*i] = Some(acc);
                        }
                    }
                    let accs = accs
                        .into_iter()
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| CircuitError::Build("a convolution output has no taps".into()))?;
                    relu_done = fuses_relu;
                    op_accs = accs.clone();
                    rescale_all(&mut b, accs)?
                }
                Op::AddConst { values } => {
                    cur.iter().zip(values).map(|(&x, &c)| b.add_const(x, to_field(i128::from(c)))).collect()
                }
                Op::MulConst { values } => {
                    let mut y = Vec::with_capacity(values.len());
                    for (i, (&x, &c)) in cur.iter().zip(values).enumerate() {
                        let acc = dense::dot(&mut b, &[c], &[x], half);
                        y.push(down(&mut b, acc, i)?);
                    }
                    y
                }
                Op::AvgPool { geometry, factor } => {
                    let mut y = Vec::with_capacity(geometry.output_len());
                    for i in 0..geometry.output_len() {
                        let xs: Vec<Target> = geometry.window(i).iter().map(|&j| cur[j]).collect();
                        let acc = dense::dot(&mut b, &vec![*factor; xs.len()], &xs, half);
                        y.push(down(&mut b, acc, i)?);
                    }
                    y
                }
                Op::Relu if relu_was_fused => cur,
                Op::Relu => {
                    let mut y = Vec::with_capacity(cur.len());
                    for (i, (&x, iv)) in cur.iter().zip(x_iv).enumerate() {
                        y.push(if iv.lo >= 0 {
                            x
                        } else if iv.hi <= 0 {
                            b.zero()
                        } else {
                            let t = relu::relu(&mut b, x, iv.magnitude_bits());
                            hints.push((t.positive.target, Hint::ReluSign { op: op_index, i }));
                            t.y
                        });
                    }
                    y
                }
                Op::MaxPool { geometry } => {
                    let mut y = Vec::with_capacity(geometry.output_len());
                    for (i, out) in y_iv.iter().enumerate().take(geometry.output_len()) {
                        let window = geometry.window(i);
                        let xs: Vec<Target> = window.iter().map(|&j| cur[j]).collect();
                        let spread = window.iter().map(|&j| out.hi - x_iv[j].lo).max().unwrap_or(0);
                        let t = pool::max(&mut b, &xs, bits(spread));
                        hints.push((t, Hint::PoolMax { op: op_index, i }));
                        y.push(t);
                    }
                    y
                }
                Op::Sigmoid => {
                    let table = sigmoid_table.get_or_insert_with(|| sigmoid::table_rows(k));
                    let mut y = Vec::with_capacity(cur.len());
                    for (i, (&x, &iv)) in cur.iter().zip(x_iv).enumerate() {
                        let s = sigmoid::sigmoid_gadget(&mut b, x, iv, k, mat_vec_gate, table)
                            .map_err(CircuitError::Build)?;
                        for (j, flag) in s.one_hot.iter().enumerate() {
                            hints.push((flag.target, Hint::SigmoidDigit { op: op_index, i, j }));
                        }
                        if let Some(step) = s.step {
                            hints.push((step.q, Hint::SigmoidStep { op: op_index, i }));
                            hints.push((step.r, Hint::SigmoidStepRemainder { op: op_index, i }));
                        }
                        if let Some(low) = s.low {
                            hints.push((low.target, Hint::SigmoidLow { op: op_index, i }));
                        }
                        if let Some(high) = s.high {
                            hints.push((high.target, Hint::SigmoidHigh { op: op_index, i }));
                        }
                        y.push(s.y);
                    }
                    y
                }
                Op::Reshape { .. } => cur,
            };
            activations.push(cur.clone());
            accumulators.push(op_accs);
        }
        let out_iv = bounds.last().map(Vec::as_slice).unwrap_or(&[]);
        let classes = match graph.head {
            Head::Identity => 0,
            Head::Softmax => cur.len(),
            Head::Sigmoid => 2,
        };
        if disclosure == Disclosure::Label && classes == 0 {
            return Err(CircuitError::Build(
                "a score cannot be disclosed as a label (this model's card defines no score bands); choose coarse or exact"
                    .into(),
            ));
        }
        if disclosure == Disclosure::Exact {
            b.register_public_inputs(&cur);
        }
        // the label; for a coarse classifier, the logit gaps max − x_j ≥ 0 that the
        // percentages start from (built only then, so other circuits stay as they were)
        let coarse_classes = disclosure == Disclosure::Coarse && classes > 0;
        let label = match graph.head {
            Head::Identity => None,
            Head::Softmax => {
                let bits = argmax_bits(out_iv);
                let t = argmax::argmax(&mut b, &cur, bits);
                for (j, o) in t.one_hot.iter().enumerate() {
                    hints.push((o.target, Hint::OneHot(j)));
                }
                let gaps = if coarse_classes { cur.iter().map(|&x| b.sub(t.max, x)).collect() } else { Vec::new() };
                Some((t.label, gaps, bits))
            }
            Head::Sigmoid => {
                let z = *cur.first().ok_or_else(|| CircuitError::Build("no output".into()))?;
                let iv = out_iv.first().copied().unwrap_or(Interval { lo: 0, hi: 0 });
                let s = b.add_virtual_bool_target_safe();
                hints.push((s.target, Hint::SigmoidSign));
                // t = s·(2z + 1) − z − 1: z when s = 1, −z − 1 when s = 0; both must be ≥ 0
                let one = b.one();
                let two_z_plus_one = b.mul_const_add(F::TWO, z, one);
                let sz = b.mul(s.target, two_z_plus_one);
                let t = b.sub(sz, z);
                let t = b.sub(t, one);
                let magnitude_bits = bits(iv.lo.abs().max(iv.hi.abs()) + 1);
                assert_range(&mut b, t, 0, magnitude_bits);
                // the logits are (0, z): gaps s·z and s·z − z, both ≥ 0 by the check above
                let gaps = if coarse_classes {
                    let gap0 = b.mul(s.target, z);
                    vec![gap0, b.sub(gap0, z)]
                } else {
                    Vec::new()
                };
                Some((s.target, gaps, magnitude_bits))
            }
        };
        if let Some((label, gaps, gap_bits)) = label {
            b.register_public_input(label);
            if coarse_classes {
                let rows = disclose::exp_rows();
                let percents = disclose::percentages(&mut b, mat_vec_gate, &rows, &gaps, gap_bits, k)
                    .map_err(CircuitError::Build)?;
                for (c, p) in percents.iter().enumerate() {
                    hints.push((p.percent, Hint::Percent(c)));
                    if let Some(step) = p.step {
                        hints.push((step.q, Hint::PercentStep(c)));
                        hints.push((step.r, Hint::PercentStepRemainder(c)));
                    }
                    if let Some(high) = p.high {
                        hints.push((high.target, Hint::PercentHigh(c)));
                    }
                    for (j, flag) in p.one_hot.iter().enumerate() {
                        hints.push((flag.target, Hint::PercentDigit { class: c, j }));
                    }
                    b.register_public_input(p.percent);
                }
            }
        } else if disclosure == Disclosure::Coarse {
            let steps = resolution_steps(model.score_resolution(), k);
            let rounded = disclose::rounded_scores(&mut b, &cur, out_iv, steps);
            for (i, &r) in rounded.iter().enumerate() {
                hints.push((r, Hint::RoundedScore(i)));
            }
            b.register_public_inputs(&rounded);
        }
        let layout = PublicLayout { disclosure, outputs: cur.len(), classes };
        let rows = (b.num_gates(), mat_vec_rows);
        let data = b.build::<C>();
        let security = config::security(&data.common);
        if assurance == Assurance::High && security.provable < config::HIGH_ASSURANCE_BITS {
            return Err(CircuitError::Build(format!(
                "high assurance needs at least {} provable bits, and this model's circuit (2^{} rows) reaches only {:.1} \
                 with plonky2's 128-bit extension field; prove at standard assurance",
                config::HIGH_ASSURANCE_BITS,
                data.common.degree_bits(),
                security.provable
            )));
        }
        Ok(ModelCircuit { data, layout, hints, scale_bits: k, activations, accumulators, rows, assurance })
    }

    /// Which variant this circuit is.
    pub fn variant(&self) -> Variant {
        Variant { disclosure: self.layout.disclosure, assurance: self.assurance }
    }

    /// Conjectured and provable soundness of this circuit.
    pub fn security(&self) -> SecurityBits {
        config::security(&self.data.common)
    }

    /// Rows and gates of the circuit.
    pub fn stats(&self) -> CircuitStats {
        CircuitStats {
            degree_bits: self.data.common.degree_bits(),
            gates: self.data.common.degree(),
            model_rows: self.rows.0,
            mat_vec_rows: self.rows.1,
        }
    }

    /// A fingerprint of the verifier data (plonky2's circuit digest), hex.
    pub fn verifier_fingerprint(&self) -> String {
        crate::verifier::fingerprint_of(&self.data.verifier_only)
    }
}

/// The circuit's [`RescaleGate`]s (linear, with ReLU) for dense and convolution outputs: one
/// quotient width covering every such output's interval. `None` (range-check rescaling)
/// when the scale is odd or the widest quotient does not fit the gate.
fn rescale_gates(config: &CircuitConfig, model: &Model) -> Option<(RescaleGate, RescaleGate)> {
    let bounds = &model.bounds().activations;
    let m = model
        .graph()
        .ops
        .iter()
        .enumerate()
        .filter(|(_, op)| matches!(op, Op::Dense { .. } | Op::Conv2d { .. }))
        .flat_map(|(i, _)| bounds[i + 1].iter())
        .map(|iv| rescale::gate_quotient_bits(iv.lo, iv.hi))
        .max()?;
    let k = model.graph().scale_bits;
    Some((RescaleGate::new(config, k, m, false)?, RescaleGate::new(config, k, m, true)?))
}

fn argmax_bits(out: &[Interval]) -> u32 {
    let hi = out.iter().map(|i| i.hi).max().unwrap_or(0);
    let lo = out.iter().map(|i| i.lo).min().unwrap_or(0);
    bits(hi - lo + 1)
}
