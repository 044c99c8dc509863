//! The circuit of a whole model: input range checks, the input commitment, one gadget per
//! op, the head (argmax or sign), the disclosed result (exact outputs, or whole percents and
//! rounded scores proved from them), and the public inputs (see [`crate::public`]).

use plonky2::field::types::Field;
use plonky2::iop::target::Target;
use plonky2::plonk::circuit_data::{CircuitConfig, CircuitData};

use crate::config::{self, Assurance, SecurityBits};
use crate::error::CircuitError;
use crate::field::{to_field, C, D, F};
use crate::gadgets::range::{assert_between, assert_range};
use crate::gadgets::{argmax, dense, disclose, pool, relu, rescale, sigmoid, tree, Builder};
use crate::gates::mat_vec::MatVecGate;
use crate::gates::rescale::RescaleGate;
use crate::hash::NarrowPoseidonHash;
use crate::public::PublicLayout;
use crate::public::CHALLENGE_LEN;
use crate::witness::{Hint, HintTarget};
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::disclosure::resolution_steps;
use zkdx_model::infer::conv_outputs;
use zkdx_model::ir::{ConvGeometry, Head, Op, PoolGeometry, TreeNode};
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
    /// The accumulators of each dense, convolution and (rescale-gate) constant-multiply op
    /// before rescaling (empty for other ops; the soundness tests tamper with them).
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
    ///
    /// The configuration is chosen on the circuit itself: at standard assurance the first of
    /// [`config::compact_configs`] whose row limit the built circuit meets (rate 1/32 up to
    /// 2^8 rows, about 60 KB proofs; rate 1/64 up to 2^10, about 51 KB); any other circuit in
    /// [`config::config`] by the model's size. Deterministic, like the rest of the build.
    /// A model that needs more than 2^[`config::MAX_DEGREE_BITS`] rows is refused before
    /// wiring (it is proved in segments: [`crate::segment`]).
    pub fn build_with(model: &Model, variant: Variant) -> Result<ModelCircuit, CircuitError> {
        let Variant { disclosure, assurance } = variant;
        if assurance == Assurance::Standard && model.graph().macs() <= config::COMPACT_MAX_MACS {
            for (compact, max_bits) in config::compact_configs() {
                // a refusal is left to the size config's wiring below, which says it again
                let wired = Wired::new(model, disclosure, compact);
                if let Some(wired) = wired.ok().filter(|w| w.rows.0 < 1 << max_bits) {
                    let circuit = wired.build(assurance)?;
                    if circuit.stats().degree_bits <= max_bits {
                        return Ok(circuit);
                    }
                }
            }
        }
        if model.graph().macs() > config::CHECK_SIZE_ABOVE_MACS {
            let plan = crate::segment::SegmentPlan::new(model, disclosure, config::MAX_DEGREE_BITS)?;
            if plan.segments() > 1 {
                return Err(CircuitError::Build(format!(
                    "this model needs more than 2^{} rows, the largest circuit zkDx builds (about 13 GB of memory): it \
                     must be proved in segments, which bundles do not carry yet (`zkdx bench --segment-bits 17` proves \
                     and measures it)",
                    config::MAX_DEGREE_BITS
                )));
            }
        }
        Wired::new(model, disclosure, config::config(model.graph().macs(), assurance))?.build(assurance)
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

/// A model's circuit wired in one configuration, before plonky2 builds it.
struct Wired<'m> {
    w: Wiring<'m>,
    layout: PublicLayout,
    activations: Vec<Vec<Target>>,
    accumulators: Vec<Vec<Target>>,
    /// Rows before blinding and padding, and mat-vec rows.
    rows: (usize, usize),
}

impl<'m> Wired<'m> {
    /// Wire every op of `model` and the disclosure of its result in `config`.
    fn new(model: &'m Model, disclosure: Disclosure, config: CircuitConfig) -> Result<Wired<'m>, CircuitError> {
        let mut w = Wiring::new(model, config);
        let mut cur = w.commit_to_input();
        let mut activations = vec![cur.clone()];
        let mut accumulators = Vec::with_capacity(model.graph().ops.len());
        for op_index in 0..model.graph().ops.len() {
            let (y, accs) = w.op(op_index, &cur)?;
            cur = y;
            activations.push(cur.clone());
            accumulators.push(accs);
        }
        let layout = layout_for(model, disclosure, cur.len())?;
        w.disclose(&cur, disclosure)?;
        let rows = (w.b.num_gates(), w.mat_vec_rows);
        Ok(Wired { w, layout, activations, accumulators, rows })
    }

    /// Let plonky2 build the circuit (blinding, padding, commitments to the constants).
    fn build(self, assurance: Assurance) -> Result<ModelCircuit, CircuitError> {
        let Wired { w, layout, activations, accumulators, rows } = self;
        let Wiring { b, hints, k, .. } = w;
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
}

/// The public-input layout of `model`'s result as `disclosure` says, for `outputs` outputs;
/// an error when the model cannot disclose its result that way.
pub(crate) fn layout_for(model: &Model, disclosure: Disclosure, outputs: usize) -> Result<PublicLayout, CircuitError> {
    let head = model.graph().head;
    let classes = head.classes(outputs);
    if disclosure == Disclosure::Label && classes == 0 {
        return Err(CircuitError::Build(
            "a score cannot be disclosed as a label (this model's card defines no score bands); choose coarse or exact"
                .into(),
        ));
    }
    let available = zkdx_model::disclosure::available(head);
    if !available.contains(&disclosure) {
        let names: Vec<&str> = available.iter().map(Disclosure::as_str).collect();
        let why = if head == Head::Margins {
            "this model's outputs are decision scores, not probabilities, so there are none to round"
        } else {
            "this model cannot disclose that"
        };
        return Err(CircuitError::Build(format!("{why}: disclose {}, not {disclosure}", names.join(" or "))));
    }
    Ok(PublicLayout { disclosure, outputs, classes })
}

/// What a label head hands the disclosure: the label, the logit gaps `max − x_j ≥ 0` that
/// whole percents start from (only for a coarse classifier), and the gaps' bit width.
type LabelHead = (Target, Vec<Target>, u32);

/// One op's place in the graph, as its gadget needs it.
struct OpSite<'m> {
    /// The op's index in the graph.
    index: usize,
    /// Bounds of its input and of its output.
    x_iv: &'m [Interval],
    y_iv: &'m [Interval],
    /// The rescale gate its accumulators go through (with ReLU when a ReLU follows and is
    /// fused into it); `None`: range-checked rescaling.
    fused: Option<RescaleGate>,
    /// The index of the first output this site computes (non-zero only for part of a dense
    /// or convolution op, in a segment: [`crate::segment`]).
    offset: usize,
}

/// The circuit while it is being wired: the builder, the prover's hints, and what every
/// op's gadget shares. One method per op; [`ModelCircuit::build_with`] calls them in order,
/// and [`crate::segment`] calls them on a range of ops.
pub(crate) struct Wiring<'m> {
    model: &'m Model,
    pub(crate) b: Builder,
    pub(crate) hints: Vec<HintTarget>,
    /// Scale bits, and half a unit at that scale (the rounding offset of accumulators).
    k: u32,
    half: i128,
    mat_vec_gate: MatVecGate,
    /// The linear and ReLU-fused rescale gates, when the scale and widths allow them.
    rescale_gates: Option<(RescaleGate, RescaleGate)>,
    /// Whether the previous op already applied the ReLU that follows it.
    relu_done: bool,
    mat_vec_rows: usize,
    sigmoid_table: Option<Vec<Vec<i64>>>,
}

impl<'m> Wiring<'m> {
    pub(crate) fn new(model: &'m Model, config: CircuitConfig) -> Wiring<'m> {
        let k = model.graph().scale_bits;
        let b = Builder::new(config);
        let mat_vec_gate = config::mat_vec_gate(&b.config);
        let rescale_gates = rescale_gates(&b.config, model);
        Wiring {
            model,
            b,
            hints: Vec::new(),
            k,
            half: 1i128 << (k - 1),
            mat_vec_gate,
            rescale_gates,
            relu_done: false,
            mat_vec_rows: 0,
            sigmoid_table: None,
        }
    }

    /// A private value the prover supplies as `h`.
    pub(crate) fn hint(&mut self, h: Hint) -> Target {
        let t = self.b.add_virtual_target();
        self.hints.push((t, h));
        t
    }

    /// The public inputs that come before the result: the model digest (constants), the
    /// range-checked private input's commitment with its salt, and the freshness
    /// challenge. Returns the input's targets.
    pub(crate) fn commit_to_input(&mut self) -> Vec<Target> {
        for limb in self.model.digest().limbs() {
            let t = self.b.constant(F::from_canonical_u32(limb));
            self.b.register_public_input(t);
        }
        let input: Vec<Target> = (0..self.model.graph().input_len()).map(|i| self.hint(Hint::Input(i))).collect();
        for (&x, iv) in input.iter().zip(&self.model.bounds().activations[0]) {
            assert_between(&mut self.b, x, iv.lo, iv.hi);
        }
        let salt: Vec<Target> = (0..4).map(|j| self.hint(Hint::Salt(j))).collect();
        let preimage: Vec<Target> = input.iter().chain(&salt).copied().collect();
        let commitment = self.b.hash_n_to_hash_no_pad::<NarrowPoseidonHash>(preimage);
        self.b.register_public_inputs(&commitment.elements);
        // the freshness challenge: public inputs the prover sets and the verifier supplies,
        // bound to the proof by plonky2's public-input hash (no other constraint needed)
        let challenge: Vec<Target> = (0..CHALLENGE_LEN).map(|j| self.hint(Hint::Challenge(j))).collect();
        self.b.register_public_inputs(&challenge);
        input
    }

    /// Op `index` on its input `x`: its outputs, and its accumulators before rescaling
    /// (dense and convolution ops only).
    pub(crate) fn op(&mut self, index: usize, x: &[Target]) -> Result<(Vec<Target>, Vec<Target>), CircuitError> {
        let model = self.model;
        let ops = &model.graph().ops;
        let bounds = &model.bounds().activations;
        let relu_next = matches!(ops.get(index + 1), Some(Op::Relu));
        let fused = self.rescale_gates.map(|(linear, relu)| if relu_next { relu } else { linear });
        let site = OpSite { index, x_iv: &bounds[index], y_iv: &bounds[index + 1], fused, offset: 0 };
        let relu_was_fused = std::mem::replace(&mut self.relu_done, false);
        let linear = |w: &mut Wiring, accs: Vec<Target>| -> Result<(Vec<Target>, Vec<Target>), CircuitError> {
            w.relu_done = relu_next && fused.is_some();
            Ok((w.rescale_all(&site, accs.clone())?, accs))
        };
        let y = match &ops[index] {
            Op::Dense { inputs, weights, bias, .. } => {
                let accs = self.dense(x, *inputs, weights, bias);
                return linear(self, accs);
            }
            Op::Conv2d { geometry, kernel, bias } => {
                let accs = self.conv2d(x, geometry, kernel, bias, 0..geometry.output_len())?;
                return linear(self, accs);
            }
            Op::AddConst { values } => self.add_const(x, values),
            Op::MulConst { values } if fused.is_some() => {
                let accs = self.mul_const_accumulators(x, values);
                return linear(self, accs);
            }
            Op::MulConst { values } => self.mul_const(&site, x, values)?,
            Op::AvgPool { geometry, factor } => self.avg_pool(&site, x, geometry, *factor)?,
            Op::Relu if relu_was_fused => x.to_vec(),
            Op::Relu => self.relu(&site, x),
            Op::MaxPool { geometry } => self.max_pool(&site, x, geometry),
            Op::Sigmoid => self.sigmoid(&site, x)?,
            Op::Reshape { .. } => x.to_vec(),
            Op::TreeEnsemble { trees, base, .. } => self.tree_ensemble(&site, x, trees, base)?,
        };
        Ok((y, Vec::new()))
    }

    /// Accumulator `acc` of output `i` rescaled by 2^k with range checks (the quotient
    /// within the output's bounds, the remainder below 2^k).
    fn rescale_checked(&mut self, site: &OpSite, acc: Target, i: usize) -> Result<Target, CircuitError> {
        let iv = site.y_iv[i];
        let t = rescale::rescale(&mut self.b, acc, self.k, iv.lo, iv.width_bits()).map_err(CircuitError::Build)?;
        self.hints.push((t.q, Hint::Quotient { op: site.index, i }));
        self.hints.push((t.r, Hint::Remainder { op: site.index, i }));
        Ok(t.q)
    }

    /// A dense or convolution op's accumulators rescaled: in the op's rescale gate, else
    /// with range checks.
    fn rescale_all(&mut self, site: &OpSite, accs: Vec<Target>) -> Result<Vec<Target>, CircuitError> {
        match site.fused {
            Some(gate) => Ok(accs.into_iter().map(|acc| rescale::rescale_in_gate(&mut self.b, gate, acc)).collect()),
            None => {
                accs.into_iter().enumerate().map(|(i, acc)| self.rescale_checked(site, acc, site.offset + i)).collect()
            }
        }
    }

    /// Mat-vec rows of `weights · x + bias` (plus the rounding offset), counted.
    fn mat_vec(&mut self, rows: &[&[i64]], xs: &[Target], inits: &[i128]) -> Vec<Target> {
        let before = self.b.num_gates();
        let accs = dense::mat_vec(&mut self.b, self.mat_vec_gate, rows, xs, inits);
        self.mat_vec_rows += self.b.num_gates() - before;
        accs
    }

    fn dense(&mut self, x: &[Target], inputs: usize, weights: &[i64], bias: &[i64]) -> Vec<Target> {
        let rows: Vec<&[i64]> = weights.chunks(inputs).collect();
        let inits: Vec<i128> = bias.iter().map(|&c| i128::from(c) + self.half).collect();
        self.mat_vec(&rows, x, &inits)
    }

    /// Outputs `outputs` of dense or convolution op `index` on its input `x`, rescaled (with
    /// the following ReLU when the op's rescale gate fuses it: see
    /// [`Wiring::fuses_relu_after`]). A segment computes a large op in such parts.
    pub(crate) fn linear_part(
        &mut self,
        index: usize,
        x: &[Target],
        outputs: std::ops::Range<usize>,
    ) -> Result<Vec<Target>, CircuitError> {
        let model = self.model;
        let bounds = &model.bounds().activations;
        let relu_next = matches!(model.graph().ops.get(index + 1), Some(Op::Relu));
        let fused = self.rescale_gates.map(|(linear, relu)| if relu_next { relu } else { linear });
        let site = OpSite { index, x_iv: &bounds[index], y_iv: &bounds[index + 1], fused, offset: outputs.start };
        let accs = match &model.graph().ops[index] {
            Op::Dense { inputs, weights, bias, .. } => {
                let weights = weights.get(outputs.start * inputs..outputs.end * inputs);
                let bias = bias.get(outputs.clone());
                let (Some(weights), Some(bias)) = (weights, bias) else {
                    return Err(CircuitError::Build(format!("op {index} has no outputs {outputs:?}")));
                };
                self.dense(x, *inputs, weights, bias)
            }
            Op::Conv2d { geometry, kernel, bias } => self.conv2d(x, geometry, kernel, bias, outputs)?,
            _ => return Err(CircuitError::Build(format!("op {index} is not a dense or convolution op"))),
        };
        self.rescale_all(&site, accs)
    }

    /// Whether op `index`'s rescale gate applies the ReLU that follows it (so that ReLU op
    /// passes its input on).
    pub(crate) fn fuses_relu_after(&self, index: usize) -> bool {
        self.rescale_gates.is_some() && matches!(self.model.graph().ops.get(index + 1), Some(Op::Relu))
    }

    /// How many values activation `act` has (the input first, then each op's output).
    pub(crate) fn activation_len(&self, act: usize) -> usize {
        self.model.bounds().activations.get(act).map_or(0, Vec::len)
    }

    /// Marks that the ReLU after op `index` was applied by its rescale gate, as
    /// [`Wiring::op`] does when it wires a whole op.
    pub(crate) fn finish_linear(&mut self, index: usize) {
        self.relu_done = self.fuses_relu_after(index);
    }

    /// A convolution's `outputs` (a range of its channel-major output indices): outputs at
    /// one position read the same taps, so each position is one mat-vec.
    fn conv2d(
        &mut self,
        x: &[Target],
        g: &ConvGeometry,
        kernel: &[i64],
        bias: &[i64],
        outputs: std::ops::Range<usize>,
    ) -> Result<Vec<Target>, CircuitError> {
        type Group = (Vec<usize>, Vec<(usize, usize, Vec<i64>)>);
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of: std::collections::HashMap<Vec<usize>, usize> = Default::default();
        let first = outputs.start;
        let wanted = conv_outputs(g, kernel).enumerate().skip(first).take(outputs.len());
        for (i, (o, taps)) in wanted {
            let (idx, ws): (Vec<usize>, Vec<i64>) = taps.into_iter().unzip();
            let gi = *group_of.entry(idx.clone()).or_insert_with(|| {
                groups.push((idx, Vec::new()));
                groups.len() - 1
            });
            groups[gi].1.push((i, o, ws));
        }
        let mut accs: Vec<Option<Target>> = vec![None; outputs.len()];
        for (idx, members) in &groups {
            let xs: Vec<Target> = idx.iter().map(|&j| x[j]).collect();
            let rows: Vec<&[i64]> = members.iter().map(|(_, _, ws)| ws.as_slice()).collect();
            let inits: Vec<i128> = members.iter().map(|&(_, o, _)| i128::from(bias[o]) + self.half).collect();
            let group_accs = self.mat_vec(&rows, &xs, &inits);
            for ((i, _, _), acc) in members.iter().zip(group_accs) {
                if let Some(slot) = accs.get_mut(*i - first) {
                    *slot = Some(acc);
                }
            }
        }
        accs.into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| CircuitError::Build("a convolution output has no taps".into()))
    }

    fn add_const(&mut self, x: &[Target], values: &[i64]) -> Vec<Target> {
        x.iter().zip(values).map(|(&x, &c)| self.b.add_const(x, to_field(i128::from(c)))).collect()
    }

    /// `c_i·x_i` plus the rounding half, for the op's rescale gate.
    fn mul_const_accumulators(&mut self, x: &[Target], values: &[i64]) -> Vec<Target> {
        x.iter().zip(values).map(|(&x, &c)| dense::dot(&mut self.b, &[c], &[x], self.half)).collect()
    }

    fn mul_const(&mut self, site: &OpSite, x: &[Target], values: &[i64]) -> Result<Vec<Target>, CircuitError> {
        let mut y = Vec::with_capacity(values.len());
        for (i, (&x, &c)) in x.iter().zip(values).enumerate() {
            let acc = dense::dot(&mut self.b, &[c], &[x], self.half);
            y.push(self.rescale_checked(site, acc, i)?);
        }
        Ok(y)
    }

    fn avg_pool(
        &mut self,
        site: &OpSite,
        x: &[Target],
        geometry: &PoolGeometry,
        factor: i64,
    ) -> Result<Vec<Target>, CircuitError> {
        let mut y = Vec::with_capacity(geometry.output_len());
        for i in 0..geometry.output_len() {
            let xs: Vec<Target> = geometry.window(i).iter().map(|&j| x[j]).collect();
            let acc = dense::dot(&mut self.b, &vec![factor; xs.len()], &xs, self.half);
            y.push(self.rescale_checked(site, acc, i)?);
        }
        Ok(y)
    }

    /// ReLU where the bounds leave the sign open; the identity or zero where they fix it.
    fn relu(&mut self, site: &OpSite, x: &[Target]) -> Vec<Target> {
        let mut y = Vec::with_capacity(x.len());
        for (i, (&x, iv)) in x.iter().zip(site.x_iv).enumerate() {
            y.push(if iv.lo >= 0 {
                x
            } else if iv.hi <= 0 {
                self.b.zero()
            } else {
                let t = relu::relu(&mut self.b, x, iv.magnitude_bits());
                self.hints.push((t.positive.target, Hint::ReluSign { op: site.index, i }));
                t.y
            });
        }
        y
    }

    fn max_pool(&mut self, site: &OpSite, x: &[Target], geometry: &PoolGeometry) -> Vec<Target> {
        let mut y = Vec::with_capacity(geometry.output_len());
        for (i, out) in site.y_iv.iter().enumerate().take(geometry.output_len()) {
            let window = geometry.window(i);
            let xs: Vec<Target> = window.iter().map(|&j| x[j]).collect();
            let spread = window.iter().map(|&j| out.hi - site.x_iv[j].lo).max().unwrap_or(0);
            let t = pool::max(&mut self.b, &xs, bits(spread));
            self.hints.push((t, Hint::PoolMax { op: site.index, i }));
            y.push(t);
        }
        y
    }

    fn sigmoid(&mut self, site: &OpSite, x: &[Target]) -> Result<Vec<Target>, CircuitError> {
        let k = self.k;
        let table = self.sigmoid_table.get_or_insert_with(|| sigmoid::table_rows(k));
        let mut y = Vec::with_capacity(x.len());
        for (i, (&x, &iv)) in x.iter().zip(site.x_iv).enumerate() {
            let s = sigmoid::sigmoid_gadget(&mut self.b, x, iv, k, self.mat_vec_gate, table)
                .map_err(CircuitError::Build)?;
            let op = site.index;
            for (j, flag) in s.one_hot.iter().enumerate() {
                self.hints.push((flag.target, Hint::SigmoidDigit { op, i, j }));
            }
            if let Some(step) = s.step {
                self.hints.push((step.q, Hint::SigmoidStep { op, i }));
                self.hints.push((step.r, Hint::SigmoidStepRemainder { op, i }));
            }
            if let Some(low) = s.low {
                self.hints.push((low.target, Hint::SigmoidLow { op, i }));
            }
            if let Some(high) = s.high {
                self.hints.push((high.target, Hint::SigmoidHigh { op, i }));
            }
            y.push(s.y);
        }
        Ok(y)
    }

    /// A tree ensemble: every open comparison a hint the gadget pins down.
    fn tree_ensemble(
        &mut self,
        site: &OpSite,
        x: &[Target],
        trees: &[Vec<TreeNode<i64>>],
        base: &[i64],
    ) -> Result<Vec<Target>, CircuitError> {
        let t = tree::tree_ensemble(&mut self.b, x, site.x_iv, trees, base).map_err(CircuitError::Build)?;
        for br in &t.branches {
            if let Some(TreeNode::Branch { feature, threshold, .. }) = trees.get(br.tree).and_then(|n| n.get(br.node)) {
                let hint = Hint::TreeBranch { op: site.index, feature: *feature, threshold: *threshold };
                self.hints.push((br.yes.target, hint));
            }
        }
        Ok(t.outputs)
    }

    /// The result's public inputs, by `disclosure`: the exact outputs, then the label (a
    /// classifier's), then whole percents (a coarse classifier) or rounded scores (a
    /// coarse regression).
    pub(crate) fn disclose(&mut self, out: &[Target], disclosure: Disclosure) -> Result<(), CircuitError> {
        if disclosure == Disclosure::Exact {
            self.b.register_public_inputs(out);
        }
        let out_iv = self.model.bounds().activations.last().map(Vec::as_slice).unwrap_or(&[]);
        let coarse = disclosure == Disclosure::Coarse;
        let head = self.model.graph().head;
        let label = match head {
            Head::Identity => None,
            Head::Softmax => Some(self.argmax_head(out, out_iv, coarse)),
            Head::Sigmoid => Some(self.sign_head(out, out_iv, coarse)?),
            // probabilities already: their whole percents are the outputs rounded (below)
            Head::Probabilities => Some(self.argmax_head(out, out_iv, false)),
            // decision scores: the sign of one, the argmax of several; nothing else to disclose
            Head::Margins if out.len() == 1 => Some(self.sign_head(out, out_iv, false)?),
            Head::Margins => Some(self.argmax_head(out, out_iv, false)),
        };
        if let Some((label, gaps, gap_bits)) = label {
            self.b.register_public_input(label);
            if coarse && matches!(head, Head::Softmax | Head::Sigmoid) {
                self.percentages(&gaps, gap_bits)?;
            }
        }
        if coarse && matches!(head, Head::Identity | Head::Probabilities) {
            let steps = resolution_steps(self.model.score_resolution(), self.k);
            let rounded = disclose::rounded_scores(&mut self.b, out, out_iv, steps);
            for (i, &r) in rounded.iter().enumerate() {
                self.hints.push((r, Hint::RoundedScore(i)));
            }
            self.b.register_public_inputs(&rounded);
        }
        Ok(())
    }

    /// A softmax classifier's label: the argmax of its logits; with `gaps`, the logit gaps
    /// `max − x_j ≥ 0` (built only then, so other circuits stay as they were).
    fn argmax_head(&mut self, out: &[Target], out_iv: &[Interval], gaps: bool) -> LabelHead {
        let bits = argmax_bits(out_iv);
        let t = argmax::argmax(&mut self.b, out, bits);
        for (j, o) in t.one_hot.iter().enumerate() {
            self.hints.push((o.target, Hint::OneHot(j)));
        }
        let gaps = if gaps { out.iter().map(|&x| self.b.sub(t.max, x)).collect() } else { Vec::new() };
        (t.label, gaps, bits)
    }

    /// A one-logit (sigmoid) classifier's label: the sign of its logit z; with `gaps`, the
    /// gaps of the logits (0, z).
    fn sign_head(&mut self, out: &[Target], out_iv: &[Interval], gaps: bool) -> Result<LabelHead, CircuitError> {
        let b = &mut self.b;
        let z = *out.first().ok_or_else(|| CircuitError::Build("no output".into()))?;
        let iv = out_iv.first().copied().unwrap_or(Interval { lo: 0, hi: 0 });
        let s = b.add_virtual_bool_target_safe();
        self.hints.push((s.target, Hint::SigmoidSign));
        // t = s·(2z + 1) − z − 1: z when s = 1, −z − 1 when s = 0; both must be ≥ 0
        let one = b.one();
        let two_z_plus_one = b.mul_const_add(F::TWO, z, one);
        let sz = b.mul(s.target, two_z_plus_one);
        let t = b.sub(sz, z);
        let t = b.sub(t, one);
        let magnitude_bits = bits(iv.lo.abs().max(iv.hi.abs()) + 1);
        assert_range(b, t, 0, magnitude_bits);
        // the logits are (0, z): gaps s·z and s·z − z, both ≥ 0 by the check above
        let gaps = if gaps {
            let gap0 = b.mul(s.target, z);
            vec![gap0, b.sub(gap0, z)]
        } else {
            Vec::new()
        };
        Ok((s.target, gaps, magnitude_bits))
    }

    /// Each class's whole percent from the logit gaps, public.
    fn percentages(&mut self, gaps: &[Target], gap_bits: u32) -> Result<(), CircuitError> {
        if let &[d0, d1] = gaps {
            let p = disclose::pair_percentages(&mut self.b, self.mat_vec_gate, [d0, d1], gap_bits, self.k)
                .map_err(CircuitError::Build)?;
            self.hints.push((p.first_larger, Hint::PairFirstLarger));
            if let Some(step) = p.step {
                self.hints.push((step.q, Hint::PairStep));
                self.hints.push((step.r, Hint::PairStepRemainder));
            }
            if let Some(high) = p.high {
                self.hints.push((high.target, Hint::PairHigh));
            }
            for (rank, flags) in p.flags.iter().enumerate() {
                for (j, flag) in flags.iter().enumerate() {
                    self.hints.push((flag.target, Hint::PairFlag { rank, j }));
                }
            }
            self.b.register_public_inputs(&p.percents);
            return Ok(());
        }
        let rows = disclose::exp_rows();
        let percents = disclose::percentages(&mut self.b, self.mat_vec_gate, &rows, gaps, gap_bits, self.k)
            .map_err(CircuitError::Build)?;
        for (c, p) in percents.iter().enumerate() {
            self.hints.push((p.percent, Hint::Percent(c)));
            if let Some(step) = p.step {
                self.hints.push((step.q, Hint::PercentStep(c)));
                self.hints.push((step.r, Hint::PercentStepRemainder(c)));
            }
            if let Some(high) = p.high {
                self.hints.push((high.target, Hint::PercentHigh(c)));
            }
            for (j, flag) in p.one_hot.iter().enumerate() {
                self.hints.push((flag.target, Hint::PercentDigit { class: c, j }));
            }
            self.b.register_public_input(p.percent);
        }
        Ok(())
    }
}

/// The circuit's [`RescaleGate`]s (linear, with ReLU) for dense, convolution and
/// constant-multiply outputs: one
/// quotient width covering every such output's interval. `None` (range-check rescaling)
/// when the scale is odd or the widest quotient does not fit the gate.
pub(crate) fn rescale_gates(config: &CircuitConfig, model: &Model) -> Option<(RescaleGate, RescaleGate)> {
    let bounds = &model.bounds().activations;
    let m = model
        .graph()
        .ops
        .iter()
        .enumerate()
        .filter(|(_, op)| matches!(op, Op::Dense { .. } | Op::Conv2d { .. } | Op::MulConst { .. }))
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
