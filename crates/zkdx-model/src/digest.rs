//! The model digest: SHA-256 over a canonical encoding of the quantised graph (scale,
//! features and ranges, shapes, every op and constant, head, output names). The same ONNX
//! file gives the same digest everywhere; any change to a weight gives another.

use sha2::{Digest, Sha256};

use crate::ir::{Graph, Head, Op, TreeNode};

/// Domain separator and encoding version.
const DOMAIN: &[u8] = b"zkdx/model-digest/v1";

/// A model digest (32 bytes), shown as `sha256:<hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelDigest(pub [u8; 32]);

impl std::fmt::Display for ModelDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sha256:{}", hex::encode(self.0))
    }
}

impl std::str::FromStr for ModelDigest {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let h = s.strip_prefix("sha256:").ok_or("a model digest starts with `sha256:`")?;
        let bytes = hex::decode(h).map_err(|e| format!("model digest is not hex: {e}"))?;
        Ok(ModelDigest(bytes.try_into().map_err(|_| "a model digest is 32 bytes")?))
    }
}

impl ModelDigest {
    /// The digest as eight 32-bit little-endian limbs (how the circuit exposes it).
    pub fn limbs(&self) -> [u32; 8] {
        let mut out = [0u32; 8];
        for (o, c) in out.iter_mut().zip(self.0.chunks_exact(4)) {
            *o = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        out
    }
}

struct Encoder(Sha256);

impl Encoder {
    fn u64(&mut self, v: u64) {
        self.0.update(v.to_le_bytes());
    }
    fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }
    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.0.update(s.as_bytes());
    }
    fn ints(&mut self, v: &[i64]) {
        self.usize(v.len());
        // the same bytes as one `update` per integer, handed over in blocks
        let mut block = [0u8; 8 * 1024];
        for chunk in v.chunks(1024) {
            for (out, x) in block.chunks_exact_mut(8).zip(chunk) {
                out.copy_from_slice(&x.to_le_bytes());
            }
            self.0.update(&block[..8 * chunk.len()]);
        }
    }
    fn dims(&mut self, v: &[usize]) {
        self.usize(v.len());
        for &x in v {
            self.usize(x);
        }
    }
}

/// Digest of a quantised graph.
pub fn digest(graph: &Graph) -> ModelDigest {
    let mut e = Encoder(Sha256::new());
    e.0.update(DOMAIN);
    e.u64(u64::from(graph.scale_bits));
    e.usize(graph.inputs.len());
    for i in &graph.inputs {
        e.str(&i.name);
        e.f64(i.min);
        e.f64(i.max);
    }
    e.dims(&graph.input_shape);
    e.usize(graph.ops.len());
    for op in &graph.ops {
        e.str(op.kind());
        match op {
            Op::Dense { inputs, outputs, weights, bias } => {
                e.dims(&[*inputs, *outputs]);
                e.ints(weights);
                e.ints(bias);
            }
            Op::Conv2d { geometry: g, kernel, bias } => {
                e.dims(&[g.in_channels, g.out_channels]);
                for pair in [g.in_hw, g.kernel, g.stride, g.pad, g.out_hw] {
                    e.dims(&pair);
                }
                e.ints(kernel);
                e.ints(bias);
            }
            Op::AddConst { values } | Op::MulConst { values } => e.ints(values),
            Op::Relu | Op::Sigmoid => {}
            Op::MaxPool { geometry: g } | Op::AvgPool { geometry: g, .. } => {
                e.usize(g.channels);
                for pair in [g.in_hw, g.kernel, g.stride, g.out_hw] {
                    e.dims(&pair);
                }
                if let Op::AvgPool { factor, .. } = op {
                    e.ints(&[*factor]);
                }
            }
            Op::Reshape { shape } => e.dims(shape),
            Op::TreeEnsemble { inputs, outputs, trees, base } => {
                e.dims(&[*inputs, *outputs, trees.len()]);
                for nodes in trees {
                    e.usize(nodes.len());
                    for node in nodes {
                        match node {
                            TreeNode::Branch { feature, threshold, yes, no } => {
                                e.usize(0);
                                e.dims(&[*feature, *yes, *no]);
                                e.ints(&[*threshold]);
                            }
                            TreeNode::Leaf { values } => {
                                e.usize(1);
                                e.usize(values.len());
                                for (o, v) in values {
                                    e.usize(*o);
                                    e.ints(&[*v]);
                                }
                            }
                        }
                    }
                }
                e.ints(base);
            }
        }
    }
    e.str(match graph.head {
        Head::Identity => "identity",
        Head::Softmax => "softmax",
        Head::Sigmoid => "sigmoid",
        Head::Probabilities => "probabilities",
        Head::Margins => "margins",
    });
    e.usize(graph.outputs.len());
    for o in &graph.outputs {
        e.str(o);
    }
    ModelDigest(e.0.finalize().into())
}
