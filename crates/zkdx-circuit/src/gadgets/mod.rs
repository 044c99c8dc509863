//! One gadget per IR op. Each takes targets holding signed integers (bounded by the model's
//! bound analysis) and adds the constraints that make its output the only possible one.
//! Values a gadget cannot compute with field arithmetic alone (quotients, remainders, ReLU
//! signs, pool maxima, the argmax one-hot, tree branches) are *hints*: virtual targets the prover fills and
//! the constraints pin down.

pub mod argmax;
pub mod dense;
pub mod disclose;
pub mod pool;
pub mod range;
pub mod relu;
pub mod rescale;
pub mod sigmoid;
pub mod table;
pub mod tree;

/// The builder type every gadget extends.
pub type Builder = plonky2::plonk::circuit_builder::CircuitBuilder<crate::field::F, { crate::field::D }>;

#[cfg(test)]
pub(crate) mod testing;
