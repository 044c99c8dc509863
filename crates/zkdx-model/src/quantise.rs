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
            let (v, less) = match scale {
                Scale::Single => (w * single, 0),
                Scale::Double => (w * double, 0),
                // `≤` a 32-bit float: rounded as an input equal to it is
                Scale::Threshold if f64::from(w as f32) == w => (w * single, 0),
                // `<` u, the least 32-bit float above w: the integer below u's
                Scale::Threshold => (f64::from(least_f32_above(w)) * single, 1),
            };
            if !v.is_finite() || v.abs() >= limit {
                return Err(ModelError::NonFinite { op: i, kind: op.kind().to_string() });
            }
            Ok(v.round() as i64 - less)
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

/// The least 32-bit float above `w` (infinite beyond the 32-bit range, which the caller
/// refuses as not finite).
fn least_f32_above(w: f64) -> f32 {
    let nearest = w as f32;
    if f64::from(nearest) > w {
        nearest
    } else {
        nearest.next_up()
    }
}

/// Quantise one input value (a patient's feature) at the graph's scale.
pub fn quantise_input(v: f64, scale_bits: u32) -> i64 {
    fixed::quantise(v, scale_bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Head, InputSpec, Op, TreeNode};

    fn threshold_at(t: f64, k: u32) -> i64 {
        let tree = vec![
            TreeNode::Branch { feature: 0, threshold: t, yes: 1, no: 2 },
            TreeNode::Leaf { values: vec![(0, 0.0)] },
            TreeNode::Leaf { values: vec![(0, 1.0)] },
        ];
        let graph = Graph {
            scale_bits: 0,
            inputs: vec![InputSpec { name: "x".into(), min: -10.0, max: 10.0 }],
            input_shape: vec![1, 1],
            ops: vec![Op::TreeEnsemble { inputs: 1, outputs: 1, trees: vec![tree], base: vec![0.0] }],
            head: Head::Identity,
            outputs: vec!["y".into()],
        };
        match quantise(&graph, k).ok().and_then(|g| g.ops.into_iter().next()) {
            Some(Op::TreeEnsemble { trees, .. }) => match trees[0][0] {
                TreeNode::Branch { threshold, .. } => threshold,
                TreeNode::Leaf { .. } => i64::MIN,
            },
            _ => i64::MIN,
        }
    }

    #[test]
    fn an_input_equal_to_a_threshold_takes_its_float_side() {
        for k in [4, 10, 20] {
            for t in [2.0f32, 0.05, -3.7, 4.8, 1e-6] {
                let x = quantise_input(f64::from(t), k);
                // x ≤ t: a 32-bit threshold, as skl2onnx and LightGBM write
                assert!(x <= threshold_at(f64::from(t), k), "{t} ≤ {t} at 2^{k}");
                // x < t: lowered as ≤ the 64-bit float below t, as XGBoost's `<`
                assert!(x > threshold_at(f64::from(t).next_down(), k), "{t} < {t} at 2^{k}");
            }
        }
    }
}
