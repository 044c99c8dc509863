//! Float IR → integer IR at one fixed-point scale (see [`crate::fixed`]).

use crate::error::ModelError;
use crate::fixed;
use crate::ir::{Graph, Scale};

/// Default scale bits when the ONNX file does not ask for another.
pub const DEFAULT_SCALE_BITS: u32 = 16;

/// Quantise every constant of `graph` at `2^scale_bits` (biases at `2^(2·scale_bits)`).
pub fn quantise(graph: &Graph<f64>, scale_bits: u32) -> Result<Graph<i64>, ModelError> {
    if !(1..=24).contains(&scale_bits) {
        return Err(ModelError::Metadata(format!("scale bits must be 1 to 24, got {scale_bits}")));
    }
    if scale_bits < crate::sigmoid::MIN_SCALE_BITS && graph.ops.iter().any(|op| matches!(op, crate::ir::Op::Sigmoid)) {
        return Err(ModelError::Metadata(format!(
            "a model with a sigmoid needs at least {} scale bits",
            crate::sigmoid::MIN_SCALE_BITS
        )));
    }
    // `fixed::quantise` with the two powers of two computed once (the same products)
    let single = f64::from(scale_bits).exp2();
    let double = f64::from(2 * scale_bits).exp2();
    let limit = 2f64.powi(62);
    let mut ops = Vec::with_capacity(graph.ops.len());
    for (i, op) in graph.ops.iter().enumerate() {
        let q = op.try_map(&mut |&w: &f64, scale| {
            let v = w * match scale {
                Scale::Single => single,
                Scale::Double => double,
            };
            if !v.is_finite() || v.abs() >= limit {
                return Err(ModelError::NonFinite { op: i, kind: op.kind().to_string() });
            }
            Ok(v.round() as i64)
        })?;
        ops.push(q);
    }
    Ok(Graph {
        scale_bits,
        inputs: graph.inputs.clone(),
        input_shape: graph.input_shape.clone(),
        ops,
        head: graph.head,
        outputs: graph.outputs.clone(),
    })
}

/// Quantise one input value (a patient's feature) at the graph's scale.
pub fn quantise_input(v: f64, scale_bits: u32) -> i64 {
    fixed::quantise(v, scale_bits)
}
