//! Float inference through tract, for comparison with the integer reference.

use tract_onnx::prelude::*;

use crate::error::ModelError;

/// The float model, runnable.
#[derive(Clone)]
pub struct FloatModel {
    plan: Arc<TypedRunnableModel>,
    shape: Vec<usize>,
}

impl FloatModel {
    /// Wrap a typed model whose output is the pre-head values (logits or scores).
    pub fn new(model: TypedModel, shape: Vec<usize>) -> Result<FloatModel, ModelError> {
        let plan = model.into_runnable().map_err(|e| ModelError::Float(e.to_string()))?;
        Ok(FloatModel { plan, shape })
    }

    /// Run on one input; returns the logits (classifiers) or scores (regressions).
    pub fn run(&self, input: &[f64]) -> Result<Vec<f64>, ModelError> {
        let err = |e: TractError| ModelError::Float(e.to_string());
        let values: Vec<f32> = input.iter().map(|&v| v as f32).collect();
        let tensor = Tensor::from_shape(&self.shape, &values).map_err(err)?;
        let out = self.plan.run(tvec!(tensor.into())).map_err(err)?;
        let first = out.first().ok_or_else(|| ModelError::Float("no output".into()))?;
        let view = first.to_plain_array_view::<f32>().map_err(err)?;
        Ok(view.iter().map(|&v| f64::from(v)).collect())
    }
}
