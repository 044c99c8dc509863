//! zkDx's intermediate representation: a straight chain of supported ops over one
//! flat activation vector (batch size 1, row-major, NCHW for images).
//!
//! The same types carry float weights (`Op<f64>`, straight from ONNX) and quantised ones
//! (`Op<i64>`, see [`crate::fixed`] for the scheme). Every op's output is at the graph's
//! scale; the ops that multiply (dense, conv, constant mul, average pool) rescale once.

use serde::{Deserialize, Serialize};

/// One feature the model reads: its name and plausible range (in the feature's unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSpec {
    /// Feature name, as in the model card and patient records.
    pub name: String,
    /// Plausible minimum.
    pub min: f64,
    /// Plausible maximum.
    pub max: f64,
}

/// Geometry of a 2-D convolution (NCHW, OIHW kernel, zero padding, no dilation, 1 group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvGeometry {
    /// Input channels.
    pub in_channels: usize,
    /// Output channels.
    pub out_channels: usize,
    /// Input height and width.
    pub in_hw: [usize; 2],
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Strides (height, width).
    pub stride: [usize; 2],
    /// Zero padding before (top, left).
    pub pad: [usize; 2],
    /// Output height and width.
    pub out_hw: [usize; 2],
}

impl ConvGeometry {
    /// Input index feeding output `(o_y, o_x)` through kernel tap `(k_y, k_x)` on channel
    /// `c`, or `None` where the tap falls on padding.
    pub fn input_index(&self, c: usize, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<usize> {
        let y = (oy * self.stride[0] + ky).checked_sub(self.pad[0])?;
        let x = (ox * self.stride[1] + kx).checked_sub(self.pad[1])?;
        (y < self.in_hw[0] && x < self.in_hw[1]).then(|| (c * self.in_hw[0] + y) * self.in_hw[1] + x)
    }

    /// Number of outputs.
    pub fn output_len(&self) -> usize {
        self.out_channels * self.out_hw[0] * self.out_hw[1]
    }
}

/// Geometry of a pooling window (NCHW, no padding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolGeometry {
    /// Channels.
    pub channels: usize,
    /// Input height and width.
    pub in_hw: [usize; 2],
    /// Window height and width.
    pub kernel: [usize; 2],
    /// Strides.
    pub stride: [usize; 2],
    /// Output height and width.
    pub out_hw: [usize; 2],
}

impl PoolGeometry {
    /// The input indices of output `i`'s window.
    pub fn window(&self, i: usize) -> Vec<usize> {
        let per_channel = self.out_hw[0] * self.out_hw[1];
        let (c, rest) = (i / per_channel, i % per_channel);
        let (oy, ox) = (rest / self.out_hw[1], rest % self.out_hw[1]);
        let mut w = Vec::with_capacity(self.kernel[0] * self.kernel[1]);
        for ky in 0..self.kernel[0] {
            for kx in 0..self.kernel[1] {
                let y = oy * self.stride[0] + ky;
                let x = ox * self.stride[1] + kx;
                w.push((c * self.in_hw[0] + y) * self.in_hw[1] + x);
            }
        }
        w
    }

    /// Number of outputs.
    pub fn output_len(&self) -> usize {
        self.channels * self.out_hw[0] * self.out_hw[1]
    }
}

/// One node of a decision tree ([`Op::TreeEnsemble`]): a comparison or a leaf. A tree's
/// nodes are in pre-order: the root first, every child after its parent (see
/// [`crate::trees::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TreeNode<W> {
    /// Go to node `yes` when input `feature` ≤ `threshold`, else to node `no`.
    Branch {
        /// The input compared.
        feature: usize,
        /// The threshold (at scale `2^k` once quantised).
        threshold: W,
        /// The node taken when the input is at most the threshold.
        yes: usize,
        /// The node taken otherwise.
        no: usize,
    },
    /// A leaf: what it adds to the ensemble's outputs, as `(output, value)` pairs.
    Leaf {
        /// The values added.
        values: Vec<(usize, W)>,
    },
}

/// One op of the chain. `W` is `f64` before quantisation and `i64` after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Op<W> {
    /// `y = rescale(W·x + b)`; `weights` is row-major `outputs × inputs`, `bias` at scale 2k.
    Dense {
        /// Input width.
        inputs: usize,
        /// Output width.
        outputs: usize,
        /// Row-major weights.
        weights: Vec<W>,
        /// One bias per output.
        bias: Vec<W>,
    },
    /// 2-D convolution, `y = rescale(K * x + b)`; `kernel` is OIHW, `bias` at scale 2k.
    Conv2d {
        /// Shapes, strides and padding.
        geometry: ConvGeometry,
        /// OIHW kernel.
        kernel: Vec<W>,
        /// One bias per output channel.
        bias: Vec<W>,
    },
    /// `y = x + c` element-wise.
    AddConst {
        /// One constant per element.
        values: Vec<W>,
    },
    /// `y = rescale(x · c)` element-wise.
    MulConst {
        /// One constant per element.
        values: Vec<W>,
    },
    /// `y = max(x, 0)`.
    Relu,
    /// `y = max over each window`.
    MaxPool {
        /// The windows.
        geometry: PoolGeometry,
    },
    /// `y = rescale(factor · Σ window)`, `factor` = 1 / window size.
    AvgPool {
        /// The windows.
        geometry: PoolGeometry,
        /// The averaging factor.
        factor: W,
    },
    /// `y = σ(x)` element-wise, by the table in [`crate::sigmoid`].
    Sigmoid,
    /// A change of shape only; the flat vector is unchanged.
    Reshape {
        /// The new shape.
        shape: Vec<usize>,
    },
    /// A tree ensemble (random forest, gradient boosting): each output is its base value
    /// plus, per tree, the values of the leaf the input reaches (see [`crate::trees`]).
    TreeEnsemble {
        /// Input width.
        inputs: usize,
        /// Output width.
        outputs: usize,
        /// The trees, each in pre-order.
        trees: Vec<Vec<TreeNode<W>>>,
        /// One base value per output.
        base: Vec<W>,
    },
}

impl<W> Op<W> {
    /// A short name for messages and `zkdx inspect`.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Dense { .. } => "Dense",
            Op::Conv2d { .. } => "Conv2d",
            Op::AddConst { .. } => "AddConst",
            Op::MulConst { .. } => "MulConst",
            Op::Relu => "Relu",
            Op::MaxPool { .. } => "MaxPool",
            Op::AvgPool { .. } => "AvgPool",
            Op::Reshape { .. } => "Reshape",
            Op::Sigmoid => "Sigmoid",
            Op::TreeEnsemble { .. } => "TreeEnsemble",
        }
    }

    /// What the op is, in the words of the ONNX operators it comes from (for a regulator,
    /// who knows the exported graph rather than zkDx's names).
    pub fn onnx_terms(&self) -> &'static str {
        match self {
            Op::Dense { .. } => "dense layer (ONNX Gemm, or MatMul and Add)",
            Op::Conv2d { .. } => "2-D convolution (ONNX Conv)",
            Op::AddConst { .. } => "adds a constant per value (ONNX Add or Sub; a scaler's offset)",
            Op::MulConst { .. } => "multiplies by a constant per value (ONNX Mul or Div; a scaler's scale)",
            Op::Relu => "ReLU (ONNX Relu)",
            Op::MaxPool { .. } => "max pooling (ONNX MaxPool)",
            Op::AvgPool { .. } => "average pooling (ONNX AveragePool or GlobalAveragePool)",
            Op::Reshape { .. } => "reshape (ONNX Reshape or Flatten)",
            Op::Sigmoid => "sigmoid (ONNX Sigmoid)",
            Op::TreeEnsemble { .. } => {
                "tree ensemble (ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor: random forests, gradient \
                 boosting, LightGBM, XGBoost)"
            }
        }
    }

    /// Shapes and windows in words, for `zkdx inspect` and the app.
    pub fn detail(&self, input_len: usize) -> String {
        match self {
            Op::Dense { inputs, outputs, .. } => format!("{inputs} → {outputs}"),
            Op::Conv2d { geometry: c, .. } => format!(
                "{}×{:?} → {}×{:?}, kernel {:?}, stride {:?}, pad {:?}",
                c.in_channels, c.in_hw, c.out_channels, c.out_hw, c.kernel, c.stride, c.pad
            ),
            Op::MaxPool { geometry: p } | Op::AvgPool { geometry: p, .. } => {
                format!("{}×{:?} → {:?}, window {:?}", p.channels, p.in_hw, p.out_hw, p.kernel)
            }
            Op::Reshape { shape } => format!("{shape:?}"),
            Op::TreeEnsemble { inputs, outputs, trees, .. } => format!(
                "{inputs} → {outputs}, {} trees, {} nodes",
                trees.len(),
                trees.iter().map(Vec::len).sum::<usize>()
            ),
            _ => format!("{input_len} values"),
        }
    }

    /// Output length given the input length.
    pub fn output_len(&self, input_len: usize) -> usize {
        match self {
            Op::Dense { outputs, .. } => *outputs,
            Op::Conv2d { geometry, .. } => geometry.output_len(),
            Op::MaxPool { geometry } | Op::AvgPool { geometry, .. } => geometry.output_len(),
            Op::TreeEnsemble { outputs, .. } => *outputs,
            _ => input_len,
        }
    }

    /// Number of trained parameters (weights, biases, constants).
    pub fn parameters(&self) -> usize {
        match self {
            Op::Dense { weights, bias, .. } => weights.len() + bias.len(),
            Op::Conv2d { kernel, bias, .. } => kernel.len() + bias.len(),
            Op::AddConst { values } | Op::MulConst { values } => values.len(),
            Op::TreeEnsemble { trees, base, .. } => {
                let node = |n: &TreeNode<W>| match n {
                    TreeNode::Branch { .. } => 1,
                    TreeNode::Leaf { values } => values.len(),
                };
                trees.iter().flatten().map(node).sum::<usize>() + base.len()
            }
            _ => 0,
        }
    }

    /// Multiply-accumulate operations per inference.
    pub fn macs(&self) -> usize {
        match self {
            Op::Dense { weights, .. } => weights.len(),
            Op::Conv2d { geometry, .. } => {
                geometry.output_len() * geometry.in_channels * geometry.kernel[0] * geometry.kernel[1]
            }
            Op::MulConst { values } => values.len(),
            Op::AvgPool { geometry, .. } => geometry.output_len() * geometry.kernel[0] * geometry.kernel[1],
            _ => 0,
        }
    }

    /// Whether the op ends in a rescale.
    pub fn rescales(&self) -> bool {
        matches!(self, Op::Dense { .. } | Op::Conv2d { .. } | Op::MulConst { .. } | Op::AvgPool { .. })
    }

    /// The same op with its numbers mapped (quantisation).
    pub fn try_map<V, E>(&self, f: &mut impl FnMut(&W, Scale) -> Result<V, E>) -> Result<Op<V>, E> {
        Ok(match self {
            Op::Dense { inputs, outputs, weights, bias } => Op::Dense {
                inputs: *inputs,
                outputs: *outputs,
                weights: map_all(weights, Scale::Single, f)?,
                bias: map_all(bias, Scale::Double, f)?,
            },
            Op::Conv2d { geometry, kernel, bias } => Op::Conv2d {
                geometry: geometry.clone(),
                kernel: map_all(kernel, Scale::Single, f)?,
                bias: map_all(bias, Scale::Double, f)?,
            },
            Op::AddConst { values } => Op::AddConst { values: map_all(values, Scale::Single, f)? },
            Op::MulConst { values } => Op::MulConst { values: map_all(values, Scale::Single, f)? },
            Op::Relu => Op::Relu,
            Op::MaxPool { geometry } => Op::MaxPool { geometry: geometry.clone() },
            Op::AvgPool { geometry, factor } => {
                Op::AvgPool { geometry: geometry.clone(), factor: f(factor, Scale::Single)? }
            }
            Op::Reshape { shape } => Op::Reshape { shape: shape.clone() },
            Op::Sigmoid => Op::Sigmoid,
            Op::TreeEnsemble { inputs, outputs, trees, base } => {
                let mut mapped = Vec::with_capacity(trees.len());
                for nodes in trees {
                    let mut tree = Vec::with_capacity(nodes.len());
                    for n in nodes {
                        tree.push(match n {
                            TreeNode::Branch { feature, threshold, yes, no } => TreeNode::Branch {
                                feature: *feature,
                                threshold: f(threshold, Scale::Threshold)?,
                                yes: *yes,
                                no: *no,
                            },
                            TreeNode::Leaf { values } => {
                                let mut vs = Vec::with_capacity(values.len());
                                for (o, v) in values {
                                    vs.push((*o, f(v, Scale::Single)?));
                                }
                                TreeNode::Leaf { values: vs }
                            }
                        });
                    }
                    mapped.push(tree);
                }
                Op::TreeEnsemble {
                    inputs: *inputs,
                    outputs: *outputs,
                    trees: mapped,
                    base: map_all(base, Scale::Single, f)?,
                }
            }
        })
    }
}

fn map_all<W, V, E>(values: &[W], scale: Scale, f: &mut impl FnMut(&W, Scale) -> Result<V, E>) -> Result<Vec<V>, E> {
    // a loop rather than `collect` into a `Result`, which cannot size the vector up front
    let mut out = Vec::with_capacity(values.len());
    for w in values {
        out.push(f(w, scale)?);
    }
    Ok(out)
}

/// At which scale a constant is quantised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// `2^k`: weights and element-wise constants.
    Single,
    /// `2^(2k)`: biases, added to a product's accumulator.
    Double,
    /// `2^k`, for a branch threshold `t` (go left when a 32-bit float input is ≤ `t`). A `t`
    /// that is a 32-bit float came from `≤` and is rounded: `round(t·2^k)`, so an input
    /// equal to it stays left. Any other `t` stands for `input < u`, `u` the least 32-bit
    /// float above `t` (`<` is lowered as `≤` the 64-bit float just below `u`), and is
    /// `round(u·2^k) − 1`, so an input equal to `u` goes right, as in floats: XGBoost's
    /// thresholds are training values compared with `<`.
    Threshold,
}

/// What the last op's output means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Head {
    /// The outputs are scores (regression).
    Identity,
    /// The outputs are logits; the result is their argmax, probabilities by softmax.
    Softmax,
    /// One logit, probability by the logistic function; label = logit ≥ 0.
    Sigmoid,
    /// The outputs are class probabilities already (a forest's averaged votes); the result
    /// is their argmax.
    Probabilities,
    /// The outputs are decision scores (a linear SVM's margins): the result is their argmax,
    /// or for one score `z` the label `z ≥ 0`; they are not probabilities, so none are read.
    Margins,
}

impl Head {
    /// Whether `outputs` values of this head name two classes by one score: a sigmoid's
    /// logit, or one decision score (class 1 when it is ≥ 0).
    pub fn one_score_two_classes(self, outputs: usize) -> bool {
        self == Head::Sigmoid || (self == Head::Margins && outputs == 1)
    }

    /// How many classes `outputs` values of this head name (0 for a score).
    pub fn classes(self, outputs: usize) -> usize {
        match self {
            Head::Identity => 0,
            _ if self.one_score_two_classes(outputs) => 2,
            _ => outputs,
        }
    }
}

/// A validated, quantised integer graph: what the circuit proves and the digest covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graph<W = i64> {
    /// Fixed-point scale: values are `q / 2^scale_bits`.
    pub scale_bits: u32,
    /// The features, in input order, with their ranges.
    pub inputs: Vec<InputSpec>,
    /// The input tensor's shape (batch axis of 1 included).
    pub input_shape: Vec<usize>,
    /// The chain of ops.
    pub ops: Vec<Op<W>>,
    /// How to read the outputs.
    pub head: Head,
    /// Output names: class labels for classifiers, the score's name for regressions.
    pub outputs: Vec<String>,
}

impl<W> Graph<W> {
    /// Number of input values.
    pub fn input_len(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// Number of output values.
    pub fn output_len(&self) -> usize {
        self.ops.iter().fold(self.input_len(), |n, op| op.output_len(n))
    }

    /// Trained parameters in all ops.
    pub fn parameters(&self) -> usize {
        self.ops.iter().map(Op::parameters).sum()
    }

    /// Multiply-accumulates per inference.
    pub fn macs(&self) -> usize {
        self.ops.iter().map(Op::macs).sum()
    }

    /// Whether the model is a classifier (argmax over its outputs).
    pub fn is_classifier(&self) -> bool {
        self.head != Head::Identity
    }
}
