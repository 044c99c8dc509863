//! The ai.onnx.ml ops that scikit-learn's exporter (skl2onnx) writes and tract cannot type,
//! lowered by zkDx itself: the ONNX protobuf is rewritten, from the nodes' own attributes,
//! into standard ops that zkDx's IR has, before tract reads it.
//!
//! - `Scaler` (StandardScaler): `(x − offset) × scale` as `Sub` and `Mul` by constants.
//! - `LinearRegressor` (LinearRegression, Ridge…): `Gemm` with its coefficients.
//! - `LinearClassifier` (LogisticRegression): `Gemm`, then `Softmax` (`SOFTMAX`, or
//!   multinomial) or `Sigmoid` (`LOGISTIC` with two mirrored classes: one logit); its
//!   `probabilities` output is the one proved, and the `label` output (with the `Cast` that
//!   follows it) is dropped: zkDx derives the label from the probabilities. With
//!   `post_transform` `NONE` (LinearSVC) the outputs are decision scores, the head
//!   [`Head::Margins`]: a `Gemm` alone, one score for two mirrored classes (the
//!   `ArrayFeatureExtractor` that picks class 1's column is dropped).
//! - `ZipMap` (probabilities as a list of maps): dropped; its input is the output.
//! - `Normalizer` with `L1` right after such a softmax (skl2onnx writes one for multi-class
//!   models): dropped, since a softmax already sums to 1.
//!
//! - `TreeEnsembleClassifier` and `TreeEnsembleRegressor` (v1 to v3: random forests,
//!   gradient boosting, LightGBM, XGBoost): lowered to zkDx's own [`Op::TreeEnsemble`], which
//!   tract cannot run; the graph is cut at the ensemble's input (tract lowers what computes
//!   it) and the ensemble appended. It must be the last step: only its label's consumers
//!   (dropped), `Identity` and `ZipMap` may follow it.
//!
//! Anything else of ai.onnx.ml, and forms of these ops the IR cannot express exactly
//! (one-vs-rest `LOGISTIC` with independent sigmoids, `post_transform` `PROBIT`, an
//! `ArrayFeatureExtractor` other than the one above), is refused
//! naming the node. Each rewrite is reported in words (`zkdx inspect` prints them).

use std::collections::{BTreeMap, HashMap, HashSet};

use tract_onnx::pb::{AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto};

use crate::error::ModelError;
use crate::ir::{Head, Op, TreeNode};

const ML: &str = "ai.onnx.ml";
/// `AttributeProto.type` for one integer.
const ATTR_INT: i32 = 2;
/// `TensorProto.data_type` for 32-bit floats.
const FLOAT: i32 = 1;
/// `TensorProto.data_type` for 64-bit floats.
const DOUBLE: i32 = 11;
/// `TensorProto.data_type` for 64-bit integers.
const INT64: i32 = 7;

/// What the rewrite did: one sentence per rewritten node, and the class labels a classifier
/// declares (in output order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rewritten {
    /// What was lowered, dropped or chosen, in words.
    pub notes: Vec<String>,
    /// The classifier's labels (`classlabels_strings` or `classlabels_ints`).
    pub labels: Option<Vec<String>>,
    /// A tree ensemble that ends the model: lowered here, cut from the graph (whose output
    /// becomes the ensemble's input) and appended after what tract lowers.
    pub ensemble: Option<Ensemble>,
    /// How the outputs read, when the graph cannot say: decision scores (LinearSVC), which
    /// end in a `Gemm` as a regression does.
    pub head: Option<Head>,
}

fn unsupported(node: &NodeProto, detail: impl Into<String>) -> ModelError {
    ModelError::UnsupportedOp { op: node.op_type.clone(), node: node.name.clone(), detail: detail.into() }
}

fn attr<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn floats(node: &NodeProto, name: &str) -> Result<Vec<f32>, ModelError> {
    match attr(node, name) {
        Some(a) if !a.floats.is_empty() => Ok(a.floats.clone()),
        _ => Err(unsupported(node, format!("it has no `{name}`"))),
    }
}

fn text(node: &NodeProto, name: &str, default: &str) -> String {
    attr(node, name).map_or(default.to_string(), |a| String::from_utf8_lossy(&a.s).into_owned())
}

fn tensor(name: String, dims: Vec<i64>, data: Vec<f32>) -> TensorProto {
    TensorProto { name, dims, data_type: FLOAT, float_data: data, ..Default::default() }
}

fn node(op: &str, name: String, inputs: Vec<String>, output: String, ints: &[(&str, i64)]) -> NodeProto {
    let attribute = ints
        .iter()
        .map(|(k, v)| AttributeProto { name: (*k).to_string(), i: *v, r#type: ATTR_INT, ..Default::default() })
        .collect();
    NodeProto { op_type: op.into(), name, input: inputs, output: vec![output], attribute, ..Default::default() }
}

/// `y = x·Wᵀ + b` as a `Gemm` (W: `rows × cols`, row-major).
fn gemm(g: &mut GraphProto, base: &str, x: String, w: Vec<f32>, b: Vec<f32>, rows: usize, y: String) -> NodeProto {
    let cols = w.len() / rows.max(1);
    let (wn, bn) = (format!("{base}_zkdx_weight"), format!("{base}_zkdx_bias"));
    g.initializer.push(tensor(wn.clone(), vec![rows as i64, cols as i64], w));
    g.initializer.push(tensor(bn.clone(), vec![rows as i64], b));
    node("Gemm", format!("{base}_zkdx_gemm"), vec![x, wn, bn], y, &[("transB", 1)])
}

/// The integers of a constant (initializer) tensor `name`: `int64_data` or raw little-endian
/// bytes.
fn constant_ints(g: &GraphProto, name: Option<&String>) -> Option<Vec<i64>> {
    let t = g.initializer.iter().find(|t| Some(&t.name) == name)?;
    if !t.int64_data.is_empty() {
        return Some(t.int64_data.clone());
    }
    let raw = t.raw_data.as_slice();
    (t.data_type == INT64 && raw.len() % 8 == 0).then(|| {
        raw.chunks_exact(8).map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect()
    })
}

/// Rewrite the ai.onnx.ml nodes of `proto` into standard ops (a model without any is left
/// as it is).
pub fn rewrite(proto: &mut ModelProto) -> Result<Rewritten, ModelError> {
    let Some(g) = proto.graph.as_mut() else { return Ok(Rewritten::default()) };
    if !g.node.iter().any(|n| n.domain == ML) {
        return Ok(Rewritten::default());
    }
    let mut done = Rewritten::default();
    let mut dead: HashSet<String> = HashSet::new(); // tensors no longer computed (labels)
    let mut alias: HashMap<String, String> = HashMap::new(); // a dropped node's output → its input
    let mut softmaxes: HashSet<String> = HashSet::new(); // outputs of the softmaxes written here
    let mut margins: HashSet<String> = HashSet::new(); // binary decision scores written here
    let nodes = std::mem::take(&mut g.node);
    let mut out = Vec::with_capacity(nodes.len() + 4);
    for mut n in nodes {
        for input in &mut n.input {
            if let Some(a) = alias.get(input) {
                *input = a.clone();
            }
        }
        if n.input.iter().any(|i| dead.contains(i)) {
            // the label's Cast and anything else that only serves the dropped label
            done.notes
                .push(format!("{} `{}`: dropped (it only uses the label zkDx derives itself)", n.op_type, n.name));
            dead.extend(n.output.iter().cloned());
            continue;
        }
        let x = n.input.first().cloned().unwrap_or_default();
        if done.ensemble.is_some() {
            // after the ensemble, only what passes its output on unchanged
            match (n.domain.as_str(), n.op_type.as_str()) {
                ("", "Identity") | (ML, "ZipMap") => {
                    if let Some(y) = n.output.first() {
                        alias.insert(y.clone(), x.clone());
                    }
                    done.notes.push(format!("{} `{}`: dropped (the ensemble's output is proved)", n.op_type, n.name));
                    continue;
                }
                _ => {
                    return Err(unsupported(
                        &n,
                        "it follows the tree ensemble: zkDx proves an ensemble as the model's last step",
                    ))
                }
            }
        }
        if n.domain != ML {
            out.push(n);
            continue;
        }
        match n.op_type.as_str() {
            "Scaler" => {
                let (offset, scale) = (floats(&n, "offset")?, floats(&n, "scale")?);
                let (on, sn, mid) = (
                    format!("{}_zkdx_offset", n.name),
                    format!("{}_zkdx_scale", n.name),
                    format!("{}_zkdx_centred", n.name),
                );
                g.initializer.push(tensor(on.clone(), vec![offset.len() as i64], offset));
                g.initializer.push(tensor(sn.clone(), vec![scale.len() as i64], scale));
                let y = n.output.first().cloned().unwrap_or_default();
                out.push(node("Sub", format!("{}_zkdx_sub", n.name), vec![x, on], mid.clone(), &[]));
                out.push(node("Mul", format!("{}_zkdx_mul", n.name), vec![mid, sn], y, &[]));
                done.notes.push(format!("Scaler `{}`: lowered to Sub and Mul by its offset and scale", n.name));
            }
            "LinearRegressor" => {
                let (w, b) = (floats(&n, "coefficients")?, floats(&n, "intercepts").unwrap_or_else(|_| vec![0.0]));
                let post = text(&n, "post_transform", "NONE");
                if post != "NONE" {
                    return Err(unsupported(&n, format!("post_transform {post}")));
                }
                let y = n.output.first().cloned().unwrap_or_default();
                out.push(gemm(g, &n.name, x, w, b.clone(), b.len(), y));
                done.notes.push(format!("LinearRegressor `{}`: lowered to Gemm", n.name));
            }
            "LinearClassifier" => {
                let (w, b) = (floats(&n, "coefficients")?, floats(&n, "intercepts")?);
                let classes = b.len();
                let cols = w.len() / classes.max(1);
                if classes == 0 || cols * classes != w.len() {
                    return Err(unsupported(&n, "its coefficients do not match its intercepts"));
                }
                let post = text(&n, "post_transform", "NONE");
                let (label, probabilities) = match n.output.as_slice() {
                    [l, p, ..] => (l.clone(), p.clone()),
                    _ => return Err(unsupported(&n, "it has no probabilities output")),
                };
                let logits = format!("{}_zkdx_logits", n.name);
                let mirrored =
                    classes == 2 && w[..cols].iter().zip(&w[cols..]).all(|(a, c)| *a == -*c) && b[0] == -b[1];
                let (head, how) = match (post.as_str(), classes) {
                    ("NONE", 2) if mirrored => {
                        // LinearSVC's margins, one per class: the class-1 row is the decision
                        // score z (class 0's is −z); skl2onnx picks column 1 with an
                        // ArrayFeatureExtractor, which therefore reads z itself
                        let z = format!("{}_zkdx_margin", n.name);
                        out.push(gemm(g, &n.name, x, w[cols..].to_vec(), vec![b[1]], 1, z.clone()));
                        alias.insert(probabilities.clone(), z.clone());
                        margins.insert(z);
                        (
                            "Margins",
                            format!(
                                "2 classes, one decision score, column 1 of `{probabilities}`: class 1 when it is ≥ 0"
                            ),
                        )
                    }
                    ("NONE", c) if c >= 2 => {
                        out.push(gemm(g, &n.name, x, w, b, c, probabilities.clone()));
                        ("Margins", format!("{c} classes, decision scores: the label is their argmax"))
                    }
                    ("SOFTMAX", c) if c >= 2 => {
                        out.push(gemm(g, &n.name, x, w, b, c, logits.clone()));
                        ("Softmax", format!("{c} classes, softmax"))
                    }
                    ("LOGISTIC", 2) if mirrored => {
                        // sigmoid(−z), sigmoid(z): one logit z, the class-1 row
                        out.push(gemm(g, &n.name, x, w[cols..].to_vec(), vec![b[1]], 1, logits.clone()));
                        ("Sigmoid", "2 classes, logistic".to_string())
                    }
                    ("LOGISTIC", 1) => {
                        out.push(gemm(g, &n.name, x, w, b, 1, logits.clone()));
                        ("Sigmoid", "2 classes, logistic".to_string())
                    }
                    _ => {
                        return Err(unsupported(
                            &n,
                            format!(
                                "post_transform {post} with {classes} score columns: zkDx proves a softmax, a \
                                 binary logistic output, or decision scores (NONE) of two or more classes \
                                 (one-vs-rest sigmoids are not probabilities)"
                            ),
                        ))
                    }
                };
                dead.insert(label.clone());
                done.labels = labels_of(&n);
                if head == "Margins" {
                    done.head = Some(Head::Margins);
                    done.notes.push(format!(
                        "LinearClassifier `{}`: lowered to Gemm ({how}; decision scores are not probabilities, so \
                         none are shown); zkDx proves the scores and derives the label from them (output `{label}` \
                         dropped)",
                        n.name
                    ));
                    continue;
                }
                let attrs: &[(&str, i64)] = if head == "Softmax" { &[("axis", 1)] } else { &[] };
                if head == "Softmax" {
                    softmaxes.insert(probabilities.clone());
                }
                out.push(node(
                    head,
                    format!("{}_zkdx_{}", n.name, head.to_lowercase()),
                    vec![logits],
                    probabilities.clone(),
                    attrs,
                ));
                done.notes.push(format!(
                    "LinearClassifier `{}`: lowered to Gemm and {head} ({how}); zkDx proves its output `{probabilities}` \
                     and derives the label from it (output `{label}` dropped)",
                    n.name
                ));
            }
            "TreeEnsembleClassifier" | "TreeEnsembleRegressor" => {
                let (ensemble, labels, how) = tree_ensemble(&n)?;
                let proved = if n.op_type == "TreeEnsembleClassifier" {
                    let (label, probabilities) = match n.output.as_slice() {
                        [l, p, ..] => (l.clone(), p.clone()),
                        _ => return Err(unsupported(&n, "it has no probabilities output")),
                    };
                    dead.insert(label.clone());
                    done.labels = labels;
                    format!("its output `{probabilities}` and derives the label from it (output `{label}` dropped)")
                } else {
                    format!("its output `{}`", n.output.first().map_or("", String::as_str))
                };
                done.notes.push(format!(
                    "{} `{}`: lowered by zkDx ({how}), every comparison proved; zkDx proves {proved}",
                    n.op_type, n.name
                ));
                done.ensemble = Some(ensemble);
            }
            "ArrayFeatureExtractor" if margins.contains(&x) && constant_ints(g, n.input.get(1)) == Some(vec![1]) => {
                // column 1 of a binary margin pair [−z, z], which the Gemm above wrote as z
                if let Some(y) = n.output.first() {
                    alias.insert(y.clone(), x.clone());
                }
                done.notes.push(format!(
                    "ArrayFeatureExtractor `{}`: dropped (it picks class 1's decision score, the one computed)",
                    n.name
                ));
            }
            "ZipMap" => {
                if let Some(y) = n.output.first() {
                    alias.insert(y.clone(), x.clone());
                }
                done.notes.push(format!("ZipMap `{}`: dropped (the probabilities as a tensor are proved)", n.name));
            }
            "Normalizer" if text(&n, "norm", "MAX") == "L1" && softmaxes.contains(&x) => {
                if let Some(y) = n.output.first() {
                    alias.insert(y.clone(), x.clone());
                }
                done.notes.push(format!("Normalizer `{}`: dropped (L1 of a softmax, which already sums to 1)", n.name));
            }
            other => return Err(unsupported(&n, format!("ai.onnx.ml {other} is not one zkDx lowers"))),
        }
    }
    g.node = out;
    if let Some(e) = &done.ensemble {
        // tract lowers what computes the ensemble's input
        g.output = vec![ValueInfoProto { name: e.input.clone(), ..Default::default() }];
        if !proto.opset_import.iter().any(|o| o.domain.is_empty()) {
            proto.opset_import.push(tract_onnx::pb::OperatorSetIdProto { domain: String::new(), version: 13 });
        }
        return Ok(done);
    }
    let outputs = std::mem::take(&mut g.output);
    g.output = outputs
        .into_iter()
        .filter(|o| !dead.contains(&o.name))
        .map(|o| match alias.get(&o.name) {
            // the tensor under the dropped node, its shape left to tract
            Some(a) => ValueInfoProto { name: a.clone(), ..Default::default() },
            None => ValueInfoProto { name: o.name, ..Default::default() },
        })
        .collect();
    // the standard ops need the standard domain's opset (skl2onnx declares both)
    if !proto.opset_import.iter().any(|o| o.domain.is_empty()) {
        proto.opset_import.push(tract_onnx::pb::OperatorSetIdProto { domain: String::new(), version: 13 });
    }
    Ok(done)
}

/// An ensemble lowered from `TreeEnsembleClassifier` or `TreeEnsembleRegressor`: its
/// trees (the op once the width before it is known, see [`Ensemble::op`]), the head its
/// outputs need, and the tensor it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    /// Output width.
    pub outputs: usize,
    /// The trees, each in pre-order.
    pub trees: Vec<Vec<TreeNode<f64>>>,
    /// One base value per output.
    pub base: Vec<f64>,
    /// How its outputs read: scores, probabilities, logits or one logit.
    pub head: Head,
    /// The tensor the ensemble reads (the cut: tract lowers what computes it).
    pub input: String,
}

impl Ensemble {
    /// The op on `inputs` values, checked ([`crate::trees::validate`]).
    pub fn op(self, inputs: usize) -> Result<Op<f64>, ModelError> {
        crate::trees::validate(inputs, self.outputs, &self.trees, self.base.len()).map_err(crate::trees::invalid)?;
        Ok(Op::TreeEnsemble { inputs, outputs: self.outputs, trees: self.trees, base: self.base })
    }
}

/// The numbers of attribute `name`: its float list, or its `_as_tensor` form (ai.onnx.ml v3).
fn numbers(node: &NodeProto, name: &str) -> Vec<f64> {
    if let Some(a) = attr(node, name).filter(|a| !a.floats.is_empty()) {
        return a.floats.iter().map(|&v| f64::from(v)).collect();
    }
    let Some(t) = attr(node, &format!("{name}_as_tensor")).and_then(|a| a.t.as_ref()) else { return Vec::new() };
    if !t.float_data.is_empty() {
        return t.float_data.iter().map(|&v| f64::from(v)).collect();
    }
    if !t.double_data.is_empty() {
        return t.double_data.clone();
    }
    match t.data_type {
        FLOAT => {
            t.raw_data.chunks_exact(4).map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap_or([0; 4])))).collect()
        }
        DOUBLE => t.raw_data.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect(),
        _ => Vec::new(),
    }
}

fn integers(node: &NodeProto, name: &str) -> Vec<i64> {
    attr(node, name).map(|a| a.ints.clone()).unwrap_or_default()
}

fn strings(node: &NodeProto, name: &str) -> Vec<String> {
    attr(node, name)
        .map(|a| a.strings.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect())
        .unwrap_or_default()
}

/// A classifier's class labels: `classlabels_strings`, else its integer labels as text.
fn labels_of(node: &NodeProto) -> Option<Vec<String>> {
    Some(strings(node, "classlabels_strings")).filter(|l| !l.is_empty()).or_else(|| {
        ["classlabels_ints", "classlabels_int64s"]
            .iter()
            .find_map(|k| attr(node, k).filter(|a| !a.ints.is_empty()))
            .map(|a| a.ints.iter().map(i64::to_string).collect())
    })
}

/// One tree's nodes in pre-order from its root, every comparison as "input ≤ threshold".
fn one_tree(
    n: &NodeProto,
    (tree, ids): (i64, &[i64]),
    at: &HashMap<(i64, i64), usize>,
    attrs: &TreeAttributes,
    leaves: &HashMap<(i64, i64), Vec<(usize, f64)>>,
) -> Result<Vec<TreeNode<f64>>, ModelError> {
    let children: HashSet<i64> = ids
        .iter()
        .filter_map(|id| at.get(&(tree, *id)))
        .filter(|&&a| attrs.modes.get(a).is_some_and(|m| m != "LEAF"))
        .flat_map(|&a| [attrs.yes.get(a).copied(), attrs.no.get(a).copied()])
        .flatten()
        .collect();
    let root = ids
        .iter()
        .copied()
        .filter(|id| !children.contains(id))
        .min()
        .ok_or_else(|| unsupported(n, format!("tree {tree} has no root")))?;
    let mut out: Vec<TreeNode<f64>> = Vec::with_capacity(ids.len());
    let mut stack: Vec<(i64, Option<(usize, bool)>)> = vec![(root, None)];
    while let Some((id, parent)) = stack.pop() {
        if out.len() >= ids.len() {
            return Err(unsupported(n, format!("tree {tree} is not a tree (a node is reached twice)")));
        }
        let index = out.len();
        if let Some((p, yes_side)) = parent {
            if let Some(TreeNode::Branch { yes, no, .. }) = out.get_mut(p) {
                *(if yes_side { yes } else { no }) = index;
            }
        }
        let a = *at.get(&(tree, id)).ok_or_else(|| unsupported(n, format!("tree {tree} has no node {id}")))?;
        let mode = attrs.modes.get(a).map_or("", String::as_str);
        if mode == "LEAF" {
            out.push(TreeNode::Leaf { values: leaves.get(&(tree, id)).cloned().unwrap_or_default() });
            continue;
        }
        let threshold = attrs.thresholds.get(a).copied().unwrap_or(0.0);
        // x < t ⇔ x ≤ the 64-bit float just below t (32-bit inputs are 64-bit floats too);
        // not a 32-bit float itself, which tells quantisation the comparison was strict
        let below = threshold.next_down();
        let (threshold, swap) = match mode {
            "BRANCH_LEQ" => (threshold, false),
            "BRANCH_LT" => (below, false),
            "BRANCH_GT" => (threshold, true),
            "BRANCH_GTE" => (below, true),
            other => return Err(unsupported(n, format!("branch mode {other}: zkDx proves ≤, <, ≥ and > comparisons"))),
        };
        let feature = attrs.features.get(a).copied().unwrap_or(-1);
        let feature = usize::try_from(feature).map_err(|_| unsupported(n, format!("feature index {feature}")))?;
        out.push(TreeNode::Branch { feature, threshold, yes: 0, no: 0 });
        let (yes, no) = (attrs.yes.get(a).copied().unwrap_or(-1), attrs.no.get(a).copied().unwrap_or(-1));
        let (yes, no) = if swap { (no, yes) } else { (yes, no) };
        stack.push((no, Some((index, false))));
        stack.push((yes, Some((index, true))));
    }
    Ok(out)
}

/// The per-node attributes of an ensemble, all of one length.
struct TreeAttributes {
    modes: Vec<String>,
    thresholds: Vec<f64>,
    features: Vec<i64>,
    yes: Vec<i64>,
    no: Vec<i64>,
}

/// Lower a `TreeEnsembleClassifier` or `TreeEnsembleRegressor` (ai.onnx.ml v1 to v3).
fn tree_ensemble(n: &NodeProto) -> Result<(Ensemble, Option<Vec<String>>, String), ModelError> {
    let classifier = n.op_type == "TreeEnsembleClassifier";
    let (tree_ids, node_ids) = (integers(n, "nodes_treeids"), integers(n, "nodes_nodeids"));
    let attrs = TreeAttributes {
        modes: strings(n, "nodes_modes"),
        thresholds: numbers(n, "nodes_values"),
        features: integers(n, "nodes_featureids"),
        yes: integers(n, "nodes_truenodeids"),
        no: integers(n, "nodes_falsenodeids"),
    };
    let len = tree_ids.len();
    let lengths = [
        node_ids.len(),
        attrs.modes.len(),
        attrs.thresholds.len(),
        attrs.features.len(),
        attrs.yes.len(),
        attrs.no.len(),
    ];
    if len == 0 || lengths.iter().any(|&l| l != len) {
        return Err(unsupported(n, "its node attributes are missing or of different lengths"));
    }
    let prefix = if classifier { "class" } else { "target" };
    let leaf_trees = integers(n, &format!("{prefix}_treeids"));
    let leaf_nodes = integers(n, &format!("{prefix}_nodeids"));
    let leaf_outputs = integers(n, &format!("{prefix}_ids"));
    let leaf_weights = numbers(n, &format!("{prefix}_weights"));
    if [leaf_nodes.len(), leaf_outputs.len(), leaf_weights.len()].iter().any(|&l| l != leaf_trees.len()) {
        return Err(unsupported(n, format!("its {prefix}_* attributes are of different lengths")));
    }
    let post = text(n, "post_transform", "NONE");
    let base = numbers(n, "base_values");
    // each tree's node ids, gathered once (an ensemble may have thousands of trees)
    let mut trees: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (&t, &id) in tree_ids.iter().zip(&node_ids) {
        trees.entry(t).or_default().push(id);
    }
    let labels = if classifier { labels_of(n) } else { None };
    let columns = match &labels {
        Some(l) => l.len(),
        None if classifier => return Err(unsupported(n, "it names no class labels")),
        None => attr(n, "n_targets").map_or(1, |a| a.i.max(1) as usize),
    };
    // binary: one column of weights (onnxruntime's reading), the score of the second class
    let one_column = classifier && columns == 2 && leaf_outputs.iter().collect::<HashSet<_>>().len() <= 1;
    // a leaf's weight once the trees are aggregated (only a regressor may average)
    let per_tree = match text(n, "aggregate_function", "SUM").as_str() {
        "AVERAGE" if !classifier => 1.0 / trees.len() as f64,
        "SUM" | "AVERAGE" => 1.0,
        other => return Err(unsupported(n, format!("aggregate_function {other}: zkDx proves SUM and AVERAGE"))),
    };
    let b0 = base.first().copied().unwrap_or(0.0);
    let (outputs, head, how, base) = match (classifier, one_column, post.as_str()) {
        (false, _, "NONE") => (columns, Head::Identity, "summed scores", base),
        (true, true, "LOGISTIC") => (1, Head::Sigmoid, "2 classes, logistic", vec![b0]),
        // onnxruntime reads one column of votes as the second class's probability p,
        // the first's 1 − p
        (true, true, "NONE") if leaf_weights.iter().all(|&w| w >= 0.0) => {
            (2, Head::Probabilities, "2 classes, averaged votes", vec![1.0 - b0, b0])
        }
        (true, false, "NONE") => (columns, Head::Probabilities, "averaged votes", base),
        (true, false, "SOFTMAX") if columns >= 2 => (columns, Head::Softmax, "softmax", base),
        _ => {
            return Err(unsupported(
                n,
                format!(
                    "post_transform {post} with {columns} {}: zkDx proves scores, averaged votes, a softmax \
                         or a binary logistic output",
                    if classifier { "classes" } else { "targets" }
                ),
            ))
        }
    };
    let base = if base.is_empty() { vec![0.0; outputs] } else { base };
    let mut leaves: HashMap<(i64, i64), Vec<(usize, f64)>> = HashMap::new();
    for (((&t, &id), &o), &w) in leaf_trees.iter().zip(&leaf_nodes).zip(&leaf_outputs).zip(&leaf_weights) {
        let w = w * per_tree;
        let values: Vec<(usize, f64)> = if one_column && head == Head::Probabilities {
            vec![(0, -w), (1, w)]
        } else if one_column {
            vec![(0, w)]
        } else {
            let o = usize::try_from(o)
                .ok()
                .filter(|&o| o < outputs)
                .ok_or_else(|| unsupported(n, format!("a leaf adds to column {o} of {outputs}")))?;
            vec![(o, w)]
        };
        leaves.entry((t, id)).or_default().extend(values);
    }
    let at: HashMap<(i64, i64), usize> =
        tree_ids.iter().zip(&node_ids).enumerate().map(|(a, (&t, &id))| ((t, id), a)).collect();
    let mut lowered = Vec::with_capacity(trees.len());
    for (&t, ids) in &trees {
        lowered.push(one_tree(n, (t, ids), &at, &attrs, &leaves)?);
    }
    let input = n.input.first().cloned().unwrap_or_default();
    let note = format!("{} trees, {len} nodes, {how}", trees.len());
    Ok((Ensemble { outputs, trees: lowered, base, head, input }, labels, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats_attr(name: &str, v: &[f32]) -> AttributeProto {
        AttributeProto { name: name.into(), floats: v.to_vec(), r#type: 6, ..Default::default() }
    }

    fn classifier(coefficients: &[f32], intercepts: &[f32], post: &str) -> ModelProto {
        let n = NodeProto {
            op_type: "LinearClassifier".into(),
            domain: ML.into(),
            name: "lc".into(),
            input: vec!["x".into()],
            output: vec!["label".into(), "probabilities".into()],
            attribute: vec![
                floats_attr("coefficients", coefficients),
                floats_attr("intercepts", intercepts),
                AttributeProto {
                    name: "post_transform".into(),
                    s: post.as_bytes().to_vec(),
                    r#type: 3,
                    ..Default::default()
                },
                AttributeProto { name: "classlabels_ints".into(), ints: vec![0, 1], r#type: 7, ..Default::default() },
            ],
            ..Default::default()
        };
        let output = |name: &str| ValueInfoProto { name: name.into(), ..Default::default() };
        let graph =
            GraphProto { node: vec![n], output: vec![output("label"), output("probabilities")], ..Default::default() };
        ModelProto { graph: Some(graph), ..Default::default() }
    }

    #[test]
    fn a_binary_logistic_classifier_becomes_one_logit_and_keeps_only_its_probabilities() {
        let mut proto = classifier(&[-1.0, -2.0, 1.0, 2.0], &[-0.5, 0.5], "LOGISTIC");
        let done = rewrite(&mut proto).unwrap_or_default();
        assert_eq!(done.labels, Some(vec!["0".to_string(), "1".to_string()]));
        let g = proto.graph.unwrap_or_default();
        let ops: Vec<&str> = g.node.iter().map(|n| n.op_type.as_str()).collect();
        assert_eq!(ops, vec!["Gemm", "Sigmoid"]);
        assert_eq!(g.output.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), vec!["probabilities"]);
        let weight = g.initializer.iter().find(|t| t.name.ends_with("_weight")).map(|t| t.float_data.clone());
        assert_eq!(weight, Some(vec![1.0, 2.0]), "the class-1 row");
    }

    /// A binary LinearSVC as skl2onnx writes it: two mirrored rows of decision scores, and an
    /// ArrayFeatureExtractor picking column `index`.
    fn svc(index: i64) -> ModelProto {
        let mut proto = classifier(&[-1.0, -2.0, 1.0, 2.0], &[-0.5, 0.5], "NONE");
        if let Some(g) = proto.graph.as_mut() {
            g.initializer.push(TensorProto {
                name: "positive_class_index".into(),
                dims: vec![1],
                data_type: INT64,
                int64_data: vec![index],
                ..Default::default()
            });
            g.node.push(NodeProto {
                op_type: "ArrayFeatureExtractor".into(),
                domain: ML.into(),
                name: "afe".into(),
                input: vec!["probabilities".into(), "positive_class_index".into()],
                output: vec!["score".into()],
                ..Default::default()
            });
            g.output[1].name = "score".into();
        }
        proto
    }

    #[test]
    fn linear_svc_scores_become_margins_and_only_class_one_is_picked() {
        let mut proto = svc(1);
        let done = rewrite(&mut proto).unwrap_or_default();
        assert_eq!(done.head, Some(Head::Margins));
        let g = proto.graph.unwrap_or_default();
        assert_eq!(g.node.iter().map(|n| n.op_type.as_str()).collect::<Vec<_>>(), vec!["Gemm"]);
        let out = g.node.first().and_then(|n| n.output.first()).cloned();
        assert_eq!(g.output.iter().map(|o| Some(o.name.clone())).collect::<Vec<_>>(), vec![out]);
        let weight = g.initializer.iter().find(|t| t.name.ends_with("_weight")).map(|t| t.float_data.clone());
        assert_eq!(weight, Some(vec![1.0, 2.0]), "the class-1 row: z");
        // column 0 would be −z, which is not computed
        let e = rewrite(&mut svc(0)).map(|_| ()).map_err(|e| e.to_string());
        assert!(e.is_err_and(|e| e.contains("`afe`")));
        // several classes: a Gemm of every row, argmax
        let mut proto = classifier(&[1.0, 2.0, 3.0, 4.0], &[0.0, 0.0], "NONE");
        assert_eq!(rewrite(&mut proto).ok().and_then(|d| d.head), Some(Head::Margins));
    }

    #[test]
    fn forms_the_ir_cannot_prove_exactly_are_refused_naming_the_node() {
        // two independent sigmoids are not a probability distribution
        let mut proto = classifier(&[1.0, 2.0, 1.0, 2.0], &[0.0, 0.0], "LOGISTIC");
        let e = rewrite(&mut proto).map(|_| ()).map_err(|e| e.to_string());
        assert!(e.as_ref().is_err_and(|e| e.contains("`lc`") && e.contains("one-vs-rest")), "{e:?}");
        let mut proto = classifier(&[1.0, 2.0, 1.0, 2.0], &[0.0, 0.0], "PROBIT");
        assert!(rewrite(&mut proto).is_err());
        let mut proto = classifier(&[1.0, 2.0], &[0.0], "LOGISTIC");
        if let Some(n) = proto.graph.as_mut().and_then(|g| g.node.first_mut()) {
            n.op_type = "Normalizer".into();
        }
        let e = rewrite(&mut proto).map(|_| ()).map_err(|e| e.to_string());
        assert!(e.is_err_and(|e| e.contains("ai.onnx.ml Normalizer is not one zkDx lowers")));
    }
}
