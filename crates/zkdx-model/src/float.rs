//! Float inference, for comparison with the integer reference: tract runs the ONNX graph,
//! and zkDx's own [`crate::trees`] runs a tree ensemble that ends it (tract cannot type the
//! ai.onnx.ml tree ops).

use tract_onnx::prelude::*;

use crate::error::ModelError;
use crate::ir::Op;

/// The float model, runnable.
#[derive(Clone)]
pub struct FloatModel {
    /// tract's plan of the graph (up to the ensemble, if one ends it); `None` when the
    /// ensemble reads the input itself.
    plan: Option<Arc<TypedRunnableModel>>,
    shape: Vec<usize>,
    /// The tree ensemble that ends the model, in floats.
    ensemble: Option<Op<f64>>,
}

impl FloatModel {
    /// Wrap a typed model whose output is the pre-head values (logits or scores), or the
    /// input of `ensemble` when one follows it.
    pub fn new(
        model: Option<TypedModel>,
        shape: Vec<usize>,
        ensemble: Option<Op<f64>>,
    ) -> Result<FloatModel, ModelError> {
        let plan = match model {
            Some(m) => Some(m.into_runnable().map_err(|e| ModelError::Float(e.to_string()))?),
            None => None,
        };
        Ok(FloatModel { plan, shape, ensemble })
    }

    /// Run on one input; returns the logits (classifiers) or scores (regressions).
    pub fn run(&self, input: &[f64]) -> Result<Vec<f64>, ModelError> {
        let values = match &self.plan {
            Some(plan) => {
                let err = |e: TractError| ModelError::Float(e.to_string());
                let values: Vec<f32> = input.iter().map(|&v| v as f32).collect();
                let tensor = Tensor::from_shape(&self.shape, &values).map_err(err)?;
                let out = plan.run(tvec!(tensor.into())).map_err(err)?;
                let first = out.first().ok_or_else(|| ModelError::Float("no output".into()))?;
                let view = first.to_plain_array_view::<f32>().map_err(err)?;
                view.iter().map(|&v| f64::from(v)).collect()
            }
            None => input.to_vec(),
        };
        Ok(match &self.ensemble {
            Some(Op::TreeEnsemble { trees, base, .. }) => crate::trees::run_float(trees, base, &values),
            _ => values,
        })
    }
}
