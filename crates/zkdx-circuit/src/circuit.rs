//! The circuit of a whole model: input range checks, the input commitment, one gadget per
//! op, the head (argmax or sign), and the public inputs (see [`crate::public`]).

use plonky2::field::types::Field;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::target::Target;
use plonky2::plonk::circuit_data::CircuitData;

use crate::config;
use crate::error::CircuitError;
use crate::field::{to_field, C, D, F};
use crate::gadgets::range::{assert_between, assert_range};
use crate::gadgets::{argmax, dense, pool, relu, rescale, sigmoid, Builder};
use crate::public::PublicLayout;
use crate::witness::{Hint, HintTarget};
use zkdx_model::bounds::{bits, Interval};
use zkdx_model::infer::conv_outputs;
use zkdx_model::ir::{Head, Op};
use zkdx_model::Model;

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
}

/// Sizes of a built circuit.
#[derive(Debug, Clone, Copy)]
pub struct CircuitStats {
    /// log2 of the number of rows.
    pub degree_bits: usize,
    /// Gates before padding (as plonky2 counts them).
    pub gates: usize,
}

impl ModelCircuit {
    /// Build the circuit for `model`. Deterministic: the same model gives the same verifier
    /// data on any machine.
    pub fn build(model: &Model) -> Result<ModelCircuit, CircuitError> {
        let graph = &model.graph;
        let k = graph.scale_bits;
        let mut b = Builder::new(config::for_model(graph.macs()));
        let mut hints: Vec<HintTarget> = Vec::new();
        let mut hint = |b: &mut Builder, h: Hint| {
            let t = b.add_virtual_target();
            hints.push((t, h));
            t
        };

        for limb in model.digest.limbs() {
            let t = b.constant(F::from_canonical_u32(limb));
            b.register_public_input(t);
        }

        let bounds = &model.bounds.activations;
        let mut cur: Vec<Target> = (0..graph.input_len()).map(|i| hint(&mut b, Hint::Input(i))).collect();
        for (&x, iv) in cur.iter().zip(&bounds[0]) {
            assert_between(&mut b, x, iv.lo, iv.hi);
        }
        let salt: Vec<Target> = (0..4).map(|j| hint(&mut b, Hint::Salt(j))).collect();
        let preimage: Vec<Target> = cur.iter().chain(&salt).copied().collect();
        let commitment = b.hash_n_to_hash_no_pad::<PoseidonHash>(preimage);
        b.register_public_inputs(&commitment.elements);

        let half = 1i128 << (k - 1);
        let mut sigmoid_table: Option<usize> = None;
        for (op_index, op) in graph.ops.iter().enumerate() {
            let (x_iv, y_iv) = (&bounds[op_index], &bounds[op_index + 1]);
            let mut down = |b: &mut Builder, acc: Target, i: usize| -> Result<Target, CircuitError> {
                let iv = y_iv[i];
                let t = rescale::rescale(b, acc, k, iv.lo, iv.width_bits()).map_err(CircuitError::Build)?;
                hints.push((t.q, Hint::Quotient { op: op_index, i }));
                hints.push((t.r, Hint::Remainder { op: op_index, i }));
                Ok(t.q)
            };
            cur = match op {
                Op::Dense { inputs, weights, bias, .. } => {
                    let mut y = Vec::with_capacity(bias.len());
                    for (i, (row, &bi)) in weights.chunks(*inputs).zip(bias).enumerate() {
                        let acc = dense::dot(&mut b, row, &cur, i128::from(bi) + half);
                        y.push(down(&mut b, acc, i)?);
                    }
                    y
                }
                Op::Conv2d { geometry: g, kernel, bias } => {
                    let mut y = Vec::with_capacity(g.output_len());
                    for (i, (o, taps)) in conv_outputs(g, kernel).enumerate() {
                        let (ws, xs): (Vec<i64>, Vec<Target>) = taps.iter().map(|&(j, w)| (w, cur[j])).unzip();
                        let acc = dense::dot(&mut b, &ws, &xs, i128::from(bias[o]) + half);
                        y.push(down(&mut b, acc, i)?);
                    }
                    y
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
                    let lut = match sigmoid_table {
                        Some(l) => l,
                        None => *sigmoid_table.insert(sigmoid::add_table(&mut b, k)),
                    };
                    let mut y = Vec::with_capacity(cur.len());
                    for (i, (&x, &iv)) in cur.iter().zip(x_iv).enumerate() {
                        let s = sigmoid::sigmoid_gadget(&mut b, x, iv, k, lut).map_err(CircuitError::Build)?;
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
        }
        b.register_public_inputs(&cur);
        let out_iv = bounds.last().map(Vec::as_slice).unwrap_or(&[]);
        let has_label = match graph.head {
            Head::Identity => false,
            Head::Softmax => {
                let t = argmax::argmax(&mut b, &cur, argmax_bits(out_iv));
                for (j, o) in t.one_hot.iter().enumerate() {
                    hints.push((o.target, Hint::OneHot(j)));
                }
                b.register_public_input(t.label);
                true
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
                assert_range(&mut b, t, 0, bits(iv.lo.abs().max(iv.hi.abs()) + 1));
                b.register_public_input(s.target);
                true
            }
        };
        let layout = PublicLayout { outputs: cur.len(), has_label };
        let data = b.build::<C>();
        Ok(ModelCircuit { data, layout, hints, scale_bits: k })
    }

    /// Rows and gates of the circuit.
    pub fn stats(&self) -> CircuitStats {
        CircuitStats { degree_bits: self.data.common.degree_bits(), gates: self.data.common.degree() }
    }

    /// A fingerprint of the verifier data (plonky2's circuit digest), hex.
    pub fn verifier_fingerprint(&self) -> String {
        use plonky2::field::types::PrimeField64;
        self.data
            .verifier_only
            .circuit_digest
            .elements
            .iter()
            .map(|e| format!("{:016x}", e.to_canonical_u64()))
            .collect()
    }
}

fn argmax_bits(out: &[Interval]) -> u32 {
    let hi = out.iter().map(|i| i.hi).max().unwrap_or(0);
    let lo = out.iter().map(|i| i.lo).min().unwrap_or(0);
    bits(hi - lo + 1)
}
