//! Loading an ONNX file with tract-onnx and lowering its typed, decluttered graph into
//! zkDx's float IR. Anything outside the supported set fails with the op and node named.

use std::collections::HashMap;

use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::change_axes::AxisOp;
use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, MaxPool, PaddingSpec, PoolSpec, SumPool};
use tract_onnx::tract_core::ops::einsum::EinSum;
use tract_onnx::tract_core::ops::element_wise::ElementWiseOp;
use tract_onnx::tract_core::ops::konst::Const;
use tract_onnx::tract_core::ops::nn::{DataFormat, Softmax};
use tract_onnx::tract_core::ops::source::TypedSource;

use crate::error::{contained, ModelError};
use crate::ir::{ConvGeometry, Graph, Head, InputSpec, Op, PoolGeometry};

/// ONNX `metadata_props` key holding the features and their plausible ranges (JSON list of
/// `{"name", "min", "max"}`).
pub const META_INPUTS: &str = "zkdx.inputs";
/// ONNX `metadata_props` key holding the output names (JSON list of strings).
pub const META_OUTPUTS: &str = "zkdx.outputs";
/// ONNX `metadata_props` key overriding the fixed-point scale bits.
pub const META_SCALE: &str = "zkdx.scale_bits";

/// A parsed ONNX model: the float IR plus the typed tract model for float inference.
pub struct LoweredOnnx {
    /// The float graph (input ranges possibly empty if the file has no metadata).
    pub graph: Graph<f64>,
    /// tract's typed, decluttered model, input pinned to batch 1, its output moved to the
    /// head's input (logits, not probabilities), or to a tree ensemble's input; `None` when
    /// a tree ensemble reads the model's input itself.
    pub typed: Option<TypedModel>,
    /// The tree ensemble that ends the model (also the graph's last op), in floats.
    pub ensemble: Option<Op<f64>>,
    /// What zkDx rewrote before tract read the file (ai.onnx.ml ops), in words.
    pub notes: Vec<String>,
    /// Scale bits asked for by the file's metadata, if any.
    pub scale_bits: Option<u32>,
}

/// Parse and lower ONNX bytes. `path` is used in messages only.
pub fn lower(bytes: &[u8], path: &str) -> Result<LoweredOnnx, ModelError> {
    let onnx = tract_onnx::onnx();
    let not_onnx = |e: TractError| ModelError::NotOnnx { path: path.to_string(), detail: first_line(&e) };
    let mut proto = contained(|| onnx.proto_model_for_read(&mut &*bytes))
        .map_err(|_| ModelError::NotOnnx { path: path.to_string(), detail: "the parser crashed".into() })?
        .map_err(not_onnx)?;
    let rewritten = crate::onnx_ml::rewrite(&mut proto)?;
    let meta: HashMap<String, String> = proto.metadata_props.iter().map(|p| (p.key.clone(), p.value.clone())).collect();
    let graph_proto = proto
        .graph
        .as_ref()
        .ok_or_else(|| ModelError::NotOnnx { path: path.to_string(), detail: "no graph in the file".into() })?;
    let input_shape = input_shape(graph_proto)?;
    // a tree ensemble that reads the input itself leaves tract nothing to run
    let ensemble_reads_input =
        rewritten.ensemble.as_ref().is_some_and(|e| graph_proto.input.iter().any(|i| i.name == e.input));
    let typed = if ensemble_reads_input {
        None
    } else {
        let inference = contained(|| onnx.model_for_proto_model(&proto))
            .map_err(|_| ModelError::Analysis("tract crashed while reading the graph".into()))?
            .map_err(|e| translate_error(&e))?;
        Some(pin_and_type(inference, &input_shape)?)
    };

    let inputs = match meta.get(META_INPUTS) {
        Some(json) => serde_json::from_str::<Vec<InputSpec>>(json)
            .map_err(|e| ModelError::Metadata(format!("{META_INPUTS}: {e}")))?,
        None => Vec::new(),
    };
    let outputs = match meta.get(META_OUTPUTS) {
        Some(json) => serde_json::from_str::<Vec<String>>(json)
            .map_err(|e| ModelError::Metadata(format!("{META_OUTPUTS}: {e}")))?,
        // a scikit-learn classifier's own class labels
        None => rewritten.labels.unwrap_or_default(),
    };
    let scale_bits = match meta.get(META_SCALE) {
        Some(s) => Some(s.trim().parse::<u32>().map_err(|e| ModelError::Metadata(format!("{META_SCALE}: {e}")))?),
        None => None,
    };
    let (mut ops, mut head, head_input) = match &typed {
        Some(t) => lower_typed(t)?,
        None => (Vec::new(), Head::Identity, None),
    };
    if let Some(h) = rewritten.head {
        // decision scores end in a Gemm, which tract reads as a score
        if head != Head::Identity {
            return Err(ModelError::Shape("decision scores followed by a softmax or sigmoid".into()));
        }
        head = h;
    }
    let mut typed = typed;
    if let (Some(t), Some(outlet)) = (typed.as_mut(), head_input) {
        t.select_output_outlets(&[outlet]).map_err(|e| ModelError::Analysis(first_line(&e)))?;
    }
    let mut float_ensemble = None;
    if let Some(e) = rewritten.ensemble {
        if head != Head::Identity {
            return Err(ModelError::Shape(
                "the tree ensemble reads probabilities (a softmax or sigmoid before it); zkDx proves an ensemble \
                 on the features or on scaled features"
                    .into(),
            ));
        }
        let width = ops.iter().fold(input_shape.iter().product::<usize>(), |n, op| op.output_len(n));
        head = e.head;
        let op = e.op(width)?;
        ops.push(op.clone());
        float_ensemble = Some(op);
    }
    let graph = Graph { scale_bits: 0, inputs, input_shape, ops, head, outputs };
    Ok(LoweredOnnx { graph, typed, ensemble: float_ensemble, scale_bits, notes: rewritten.notes })
}

fn first_line(e: &TractError) -> String {
    let text = format!("{e:#}");
    text.lines().next().unwrap_or("unknown error").chars().take(300).collect()
}

/// tract refuses unknown ops while translating; turn that into an `UnsupportedOp`.
fn translate_error(e: &TractError) -> ModelError {
    let full = format!("{e:?}");
    if let Some(op) = full.split("Unimplemented(").nth(1).and_then(|s| s.split(')').next()) {
        let node = full.split("Translating node").nth(1).and_then(|s| s.split('"').nth(1)).unwrap_or("?").to_string();
        return ModelError::UnsupportedOp { op: op.to_string(), node, detail: String::new() };
    }
    ModelError::Analysis(first_line(e))
}

fn input_shape(g: &tract_onnx::pb::GraphProto) -> Result<Vec<usize>, ModelError> {
    let initializers: Vec<&str> = g.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<_> = g.input.iter().filter(|i| !initializers.contains(&i.name.as_str())).collect();
    let [input] = inputs.as_slice() else {
        return Err(ModelError::Shape(format!("the model must have exactly one input, it has {}", inputs.len())));
    };
    use tract_onnx::pb::tensor_shape_proto::dimension::Value as Dim;
    use tract_onnx::pb::type_proto::Value;
    let Some(Value::TensorType(tensor)) = input.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return Err(ModelError::Shape(format!("input `{}` is not a tensor", input.name)));
    };
    let dims = tensor.shape.as_ref().map(|s| s.dim.as_slice()).unwrap_or_default();
    let mut shape = Vec::with_capacity(dims.len());
    for (axis, d) in dims.iter().enumerate() {
        match d.value.as_ref() {
            Some(Dim::DimValue(v)) if *v > 0 && *v <= 1 << 24 => shape.push(*v as usize),
            Some(Dim::DimParam(_)) | None if axis == 0 => shape.push(1),
            Some(Dim::DimParam(p)) => {
                return Err(ModelError::Shape(format!(
                    "input `{}` axis {axis} is dynamic (`{p}`); only the batch axis may be dynamic",
                    input.name
                )))
            }
            Some(Dim::DimValue(v)) => {
                return Err(ModelError::Shape(format!(
                    "input `{}` axis {axis} has size {v}; zkDx takes sizes from 1 to 2^24",
                    input.name
                )))
            }
            None => {
                return Err(ModelError::Shape(format!("input `{}` axis {axis} has no size", input.name)));
            }
        }
    }
    if shape.is_empty() || shape.iter().product::<usize>() > 1 << 24 {
        return Err(ModelError::Shape(format!("input shape {shape:?} is empty or absurdly large")));
    }
    Ok(shape)
}

fn pin_and_type(model: InferenceModel, shape: &[usize]) -> Result<TypedModel, ModelError> {
    let analysed = |e: TractError| ModelError::Analysis(first_line(&e));
    let result = contained(move || -> Result<TypedModel, ModelError> {
        let model = model.with_input_fact(0, f32::fact(shape).into()).map_err(analysed)?;
        let typed = model.into_typed().map_err(|e| translate_error(&e))?;
        typed.into_decluttered().map_err(analysed)
    });
    result.map_err(|_| ModelError::Analysis("tract crashed while typing the graph".into()))?
}

/// A value flowing through the graph during lowering.
#[derive(Clone)]
enum Value {
    Const(Arc<Tensor>),
    /// The activation, with its shape.
    Activation(Vec<usize>),
}

/// The lowered chain, its head, and the outlet feeding the head (if any).
type Lowered = (Vec<Op<f64>>, Head, Option<OutletId>);

fn lower_typed(model: &TypedModel) -> Result<Lowered, ModelError> {
    let order = model.eval_order().map_err(|e| ModelError::Analysis(first_line(&e)))?;
    let outputs = model.output_outlets().map_err(|e| ModelError::Analysis(first_line(&e)))?;
    if outputs.len() != 1 {
        return Err(ModelError::Shape(format!("the model must have one output, it has {}", outputs.len())));
    }
    let mut values: HashMap<OutletId, Value> = HashMap::new();
    let mut ops: Vec<Op<f64>> = Vec::new();
    let mut head: Option<Head> = None;
    let mut head_input: Option<OutletId> = None;
    let mut last_sigmoid_input: Option<OutletId> = None;
    let mut activations = 0;
    for &id in &order {
        let node = model.node(id);
        let unsupported = |detail: &str| ModelError::UnsupportedOp {
            op: node.op.name().to_string(),
            node: node.name.clone(),
            detail: detail.to_string(),
        };
        if head.is_some() {
            return Err(unsupported("Softmax is supported only as the model's last op"));
        }
        let inputs: Vec<Value> = node
            .inputs
            .iter()
            .map(|o| values.get(o).cloned().ok_or_else(|| unsupported("input comes from an unsupported node")))
            .collect::<Result<_, _>>()?;
        let out_shape = output_shape(model, id)?;
        let value = if node.op_as::<TypedSource>().is_some() {
            activations += 1;
            if activations > 1 {
                return Err(unsupported("more than one input"));
            }
            Value::Activation(out_shape)
        } else if let Some(c) = node.op_as::<Const>() {
            Value::Const(c.val().clone())
        } else if inputs.iter().all(|v| matches!(v, Value::Const(_))) {
            return Err(unsupported("computation on constants only; re-export with constant folding"));
        } else if let Some(e) = node.op_as::<EinSum>() {
            ops.push(lower_einsum(e, &inputs, &out_shape).map_err(|d| unsupported(&d))?);
            Value::Activation(out_shape)
        } else if let Some(b) = node.op_as::<TypedBinOp>() {
            ops.extend(lower_binary(b.0.name(), &inputs, &out_shape).map_err(|d| unsupported(&d))?);
            Value::Activation(out_shape)
        } else if let Some(a) = node.op_as::<AxisOp>() {
            let Value::Activation(in_shape) = &inputs[0] else {
                return Err(unsupported("reshape of a constant"));
            };
            if let AxisOp::Move(from, to) = a {
                if !move_keeps_order(in_shape, *from, *to) {
                    return Err(unsupported("a transpose that reorders data"));
                }
            }
            ops.push(Op::Reshape { shape: out_shape.clone() });
            Value::Activation(out_shape)
        } else if let Some(conv) = node.op_as::<Conv>() {
            ops.push(lower_conv(conv, &inputs, &out_shape).map_err(|d| unsupported(&d))?);
            Value::Activation(out_shape)
        } else if let Some(p) = node.op_as::<MaxPool>() {
            let geometry = pool_geometry(&p.pool_spec, &inputs, &out_shape).map_err(|d| unsupported(&d))?;
            ops.push(Op::MaxPool { geometry });
            Value::Activation(out_shape)
        } else if let Some(p) = node.op_as::<SumPool>() {
            let geometry = pool_geometry(&p.pool_spec, &inputs, &out_shape).map_err(|d| unsupported(&d))?;
            let window = (geometry.kernel[0] * geometry.kernel[1]) as f64;
            if p.normalize {
                ops.push(Op::AvgPool { geometry, factor: 1.0 / window });
            } else {
                ops.push(Op::AvgPool { geometry, factor: 1.0 });
            }
            Value::Activation(out_shape)
        } else if let Some(e) = node.op_as::<ElementWiseOp>() {
            match e.0.name().as_ref() {
                "Sigmoid" => {
                    ops.push(Op::Sigmoid);
                    last_sigmoid_input = Some(node.inputs[0]);
                }
                _ => return Err(unsupported("")),
            }
            inputs[0].clone()
        } else if let Some(s) = node.op_as::<Softmax>() {
            let rank = out_shape.len();
            if s.axes.len() != 1 || out_shape.iter().enumerate().any(|(i, d)| i != s.axes[0] && *d != 1) || rank == 0 {
                return Err(unsupported("Softmax must run over the only non-batch axis"));
            }
            head = Some(Head::Softmax);
            head_input = Some(node.inputs[0]);
            inputs[0].clone()
        } else {
            return Err(unsupported(""));
        };
        for slot in 0..node.outputs.len() {
            values.insert(OutletId::new(id, slot), value.clone());
        }
    }
    if !matches!(values.get(&outputs[0]), Some(Value::Activation(_))) {
        return Err(ModelError::Shape("the model's output does not depend on its input".into()));
    }
    let mut ops = fuse_bias(ops);
    // a sigmoid on one final logit is a binary classifier's head, not an op to prove
    let sigmoid_head = head.is_none()
        && matches!(ops.last(), Some(Op::Sigmoid))
        && model.outlet_fact(outputs[0]).ok().and_then(|f| f.shape.as_concrete().map(|s| s.iter().product::<usize>()))
            == Some(1);
    if sigmoid_head {
        ops.pop();
        return Ok((ops, Head::Sigmoid, last_sigmoid_input));
    }
    Ok((ops, head.unwrap_or(Head::Identity), head_input))
}

fn output_shape(model: &TypedModel, id: usize) -> Result<Vec<usize>, ModelError> {
    let fact = model.outlet_fact(OutletId::new(id, 0)).map_err(|e| ModelError::Analysis(first_line(&e)))?;
    fact.shape.as_concrete().map(|s| s.to_vec()).ok_or_else(|| {
        ModelError::Shape(format!("node `{}` has a dynamic shape {:?}", model.node(id).name, fact.shape))
    })
}

fn move_keeps_order(shape: &[usize], from: usize, to: usize) -> bool {
    let mut axes: Vec<usize> = (0..shape.len()).collect();
    if from >= axes.len() || to >= axes.len() {
        return false;
    }
    let a = axes.remove(from);
    axes.insert(to, a);
    let big: Vec<usize> = axes.into_iter().filter(|&a| shape[a] != 1).collect();
    big.windows(2).all(|w| w[0] < w[1])
}

fn as_f64(t: &Tensor) -> Result<Vec<f64>, String> {
    let t = t.cast_to::<f32>().map_err(|e| format!("constant is not numeric: {e}"))?;
    let view = t.to_plain_array_view::<f32>().map_err(|e| e.to_string())?;
    Ok(view.iter().map(|&v| f64::from(v)).collect())
}

/// `EinSum` with one constant operand = a dense layer (Gemm, MatMul, Flatten+Gemm).
fn lower_einsum(e: &EinSum, inputs: &[Value], out_shape: &[usize]) -> Result<Op<f64>, String> {
    if e.q_params.is_some() || inputs.len() != 2 {
        return Err("only float two-operand products are supported".into());
    }
    let formula = e.axes.to_string();
    let (lhs, out) = formula.split_once("->").ok_or("malformed einsum")?;
    let operands: Vec<Vec<char>> = lhs.split(',').map(|s| s.chars().collect()).collect();
    let out: Vec<char> = out.chars().collect();
    let (act_slot, w) = match (&inputs[0], &inputs[1]) {
        (Value::Activation(_), Value::Const(w)) => (0, w),
        (Value::Const(w), Value::Activation(_)) => (1, w),
        _ => return Err("a product of two activations".into()),
    };
    let Value::Activation(act_shape) = &inputs[act_slot] else {
        return Err("internal".into());
    };
    let (act_axes, w_axes) = (&operands[act_slot], &operands[1 - act_slot]);
    if act_axes.len() != act_shape.len() || w_axes.len() != w.rank() {
        return Err(format!("unexpected einsum {formula}"));
    }
    // The activation's axes are contracted or of size 1 (batch); the weight's axes are
    // contracted or output.
    for (i, a) in act_axes.iter().enumerate() {
        let contracted = w_axes.contains(a) && !out.contains(a);
        if !contracted && act_shape[i] != 1 {
            return Err(format!("einsum {formula} is not a dense layer"));
        }
    }
    if w_axes.iter().any(|a| act_axes.contains(a) && out.contains(a)) {
        return Err(format!("einsum {formula} is batched over the weights"));
    }
    let k_axes: Vec<char> = act_axes.iter().copied().filter(|a| w_axes.contains(a)).collect();
    let n_axes: Vec<char> = out.iter().copied().filter(|a| w_axes.contains(a)).collect();
    let perm: Vec<usize> = n_axes
        .iter()
        .chain(k_axes.iter())
        .map(|a| w_axes.iter().position(|b| b == a).ok_or("bad einsum"))
        .collect::<Result<_, _>>()?;
    if perm.len() != w_axes.len() {
        return Err(format!("einsum {formula} has an unsupported weight layout"));
    }
    let w32 = w.cast_to::<f32>().map_err(|e| e.to_string())?;
    let view = w32.to_plain_array_view::<f32>().map_err(|e| e.to_string())?;
    let permuted = view.permuted_axes(perm);
    let weights: Vec<f64> = permuted.iter().map(|&v| f64::from(v)).collect();
    let inputs_len: usize = act_shape.iter().product();
    let outputs_len: usize = out_shape.iter().product();
    if weights.len() != inputs_len * outputs_len {
        return Err(format!("einsum {formula}: weight size {} ≠ {inputs_len}×{outputs_len}", weights.len()));
    }
    Ok(Op::Dense { inputs: inputs_len, outputs: outputs_len, weights, bias: vec![0.0; outputs_len] })
}

fn lower_binary(name: &str, inputs: &[Value], out_shape: &[usize]) -> Result<Vec<Op<f64>>, String> {
    let (c, act_first) = match (&inputs[0], &inputs[1]) {
        (Value::Activation(s), Value::Const(c)) if s.as_slice() == out_shape => (c, true),
        (Value::Const(c), Value::Activation(s)) if s.as_slice() == out_shape => (c, false),
        (Value::Activation(_), Value::Activation(_)) => {
            return Err("an op on two activations (e.g. a residual connection)".into())
        }
        _ => return Err("a constant that broadcasts the activation to a larger shape".into()),
    };
    let c = c.broadcast_to_shape(out_shape).map_err(|e| format!("constant does not broadcast: {e}"))?;
    let values = as_f64(&c)?;
    Ok(match (name, act_first) {
        ("Add", _) => vec![Op::AddConst { values }],
        ("Sub", true) => vec![Op::AddConst { values: values.iter().map(|v| -v).collect() }],
        ("Sub", false) => vec![Op::MulConst { values: vec![-1.0; values.len()] }, Op::AddConst { values }],
        ("Mul", _) => vec![Op::MulConst { values }],
        ("Div", true) => vec![Op::MulConst { values: values.iter().map(|v| 1.0 / v).collect() }],
        ("Max", _) if values.iter().all(|&v| v == 0.0) => vec![Op::Relu],
        ("Max", _) => return Err("Max with a non-zero constant (only ReLU = Max(x, 0))".into()),
        _ => return Err(format!("`{name}` with a constant")),
    })
}

fn lower_conv(conv: &Conv, inputs: &[Value], out_shape: &[usize]) -> Result<Op<f64>, String> {
    if conv.q_params.is_some() || conv.group != 1 {
        return Err("only float convolutions with one group".into());
    }
    if !matches!(conv.kernel_fmt, KernelFormat::OIHW) {
        return Err("only OIHW kernels".into());
    }
    let (Value::Activation(in_shape), Some(Value::Const(kernel))) = (&inputs[0], inputs.get(1)) else {
        return Err("the kernel must be a constant".into());
    };
    let spec = &conv.pool_spec;
    let (in_c, in_hw) = nchw(spec, in_shape)?;
    let (out_c, out_hw) = nchw_out(out_shape)?;
    let [kh, kw] = two(&spec.kernel_shape)?;
    let (stride, pad) = stride_and_pad(spec)?;
    let kernel_values = as_f64(kernel)?;
    if kernel_values.len() != out_c * in_c * kh * kw {
        return Err("kernel shape does not match the channels".into());
    }
    let bias = match inputs.get(2) {
        Some(Value::Const(b)) => {
            let b = as_f64(b)?;
            match b.len() {
                1 => vec![b[0]; out_c],
                n if n == out_c => b,
                _ => return Err("bias does not match the output channels".into()),
            }
        }
        None => vec![0.0; out_c],
        Some(Value::Activation(_)) => return Err("the bias must be a constant".into()),
    };
    let geometry =
        ConvGeometry { in_channels: in_c, out_channels: out_c, in_hw, kernel: [kh, kw], stride, pad, out_hw };
    check_conv_output(&geometry)?;
    Ok(Op::Conv2d { geometry, kernel: kernel_values, bias })
}

fn check_conv_output(g: &ConvGeometry) -> Result<(), String> {
    for axis in 0..2 {
        let span = g.in_hw[axis] + 2 * g.pad[axis];
        if span < g.kernel[axis] || (span - g.kernel[axis]) / g.stride[axis] + 1 < g.out_hw[axis] {
            return Err("unsupported asymmetric padding or output size".into());
        }
    }
    Ok(())
}

fn pool_geometry(spec: &PoolSpec, inputs: &[Value], out_shape: &[usize]) -> Result<PoolGeometry, String> {
    let Value::Activation(in_shape) = &inputs[0] else {
        return Err("pooling a constant".into());
    };
    let (channels, in_hw) = nchw(spec, in_shape)?;
    let (_, out_hw) = nchw_out(out_shape)?;
    let kernel = two(&spec.kernel_shape)?;
    let (stride, pad) = stride_and_pad(spec)?;
    if pad != [0, 0] {
        return Err("padded pooling".into());
    }
    for axis in 0..2 {
        if (out_hw[axis] - 1) * stride[axis] + kernel[axis] > in_hw[axis] {
            return Err("pooling windows run past the input".into());
        }
    }
    Ok(PoolGeometry { channels, in_hw, kernel, stride, out_hw })
}

fn nchw(spec: &PoolSpec, shape: &[usize]) -> Result<(usize, [usize; 2]), String> {
    if !matches!(spec.data_format, DataFormat::NCHW) || shape.len() != 4 || shape[0] != 1 {
        return Err(format!("only NCHW images of batch 1 (got shape {shape:?})"));
    }
    Ok((shape[1], [shape[2], shape[3]]))
}

fn nchw_out(shape: &[usize]) -> Result<(usize, [usize; 2]), String> {
    if shape.len() != 4 || shape[0] != 1 {
        return Err(format!("unexpected output shape {shape:?}"));
    }
    Ok((shape[1], [shape[2], shape[3]]))
}

fn two(v: &[usize]) -> Result<[usize; 2], String> {
    <[usize; 2]>::try_from(v).map_err(|_| format!("only 2-D windows (got {v:?})"))
}

fn stride_and_pad(spec: &PoolSpec) -> Result<([usize; 2], [usize; 2]), String> {
    if spec.dilations.as_ref().is_some_and(|d| d.iter().any(|&x| x != 1)) {
        return Err("dilated windows".into());
    }
    let stride = match &spec.strides {
        Some(s) => two(s)?,
        None => [1, 1],
    };
    if stride.contains(&0) {
        return Err("zero stride".into());
    }
    let pad = match &spec.padding {
        PaddingSpec::Valid => [0, 0],
        PaddingSpec::Explicit(before, after) | PaddingSpec::ExplicitOnnxPool(before, after, false) => {
            let (b, a) = (two(before)?, two(after)?);
            if b != a {
                return Err("asymmetric padding".into());
            }
            b
        }
        other => return Err(format!("padding {other:?}")),
    };
    Ok((stride, pad))
}

/// Fold a constant add that follows a dense layer into its bias.
fn fuse_bias(ops: Vec<Op<f64>>) -> Vec<Op<f64>> {
    let mut out: Vec<Op<f64>> = Vec::with_capacity(ops.len());
    for op in ops {
        if let (Op::AddConst { values }, Some(Op::Dense { bias, .. })) = (&op, out.last_mut()) {
            if values.len() == bias.len() {
                for (b, v) in bias.iter_mut().zip(values) {
                    *b += v;
                }
                continue;
            }
        }
        out.push(op);
    }
    out
}
