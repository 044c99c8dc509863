//! `docs/digest.md` is precise enough to reimplement: this test encodes the document's test
//! vectors byte by byte from the document alone (not through `zkdx_model::digest`), and
//! checks that both give the published digest.

use sha2::{Digest, Sha256};
use zkdx_model::digest::digest;
use zkdx_model::ir::{InputSpec, Op};
use zkdx_model::{Graph, Head};

/// The test vector of docs/digest.md.
const VECTOR: &str = "sha256:42d7adaf3c946c99548d4d2132a01e8fcbe985baab74a49cf1a2b3e9d7624fa2";

fn test_graph() -> Graph {
    Graph {
        scale_bits: 8,
        inputs: vec![
            InputSpec { name: "age".into(), min: 18.0, max: 90.0 },
            InputSpec { name: "bmi".into(), min: 12.0, max: 60.0 },
        ],
        input_shape: vec![1, 2],
        ops: vec![
            Op::Dense { inputs: 2, outputs: 2, weights: vec![256, -128, 64, 512], bias: vec![65536, -32768] },
            Op::Relu,
            Op::Dense { inputs: 2, outputs: 2, weights: vec![1, 2, -3, 4], bias: vec![0, 7] },
        ],
        head: Head::Softmax,
        outputs: vec!["low".into(), "high".into()],
    }
}

/// The page's `u64`, `str`, `ints` and `dims`.
fn u64le(b: &mut Vec<u8>, v: u64) {
    b.extend(v.to_le_bytes());
}

fn string(b: &mut Vec<u8>, s: &str) {
    u64le(b, s.len() as u64);
    b.extend(s.as_bytes());
}

fn ints(b: &mut Vec<u8>, v: &[i64]) {
    u64le(b, v.len() as u64);
    for x in v {
        b.extend(x.to_le_bytes());
    }
}

fn dims(b: &mut Vec<u8>, v: &[u64]) {
    u64le(b, v.len() as u64);
    for &x in v {
        u64le(b, x);
    }
}

/// The encoding, as docs/digest.md states it.
fn by_the_document() -> String {
    let mut b: Vec<u8> = b"zkdx/model-digest/v1".to_vec();
    u64le(&mut b, 8); // scale bits
    u64le(&mut b, 2); // two features
    for (name, min, max) in [("age", 18.0f64, 90.0f64), ("bmi", 12.0, 60.0)] {
        string(&mut b, name);
        u64le(&mut b, min.to_bits());
        u64le(&mut b, max.to_bits());
    }
    dims(&mut b, &[1, 2]); // input shape
    u64le(&mut b, 3); // three ops
    string(&mut b, "Dense");
    dims(&mut b, &[2, 2]);
    ints(&mut b, &[256, -128, 64, 512]);
    ints(&mut b, &[65536, -32768]);
    string(&mut b, "Relu");
    string(&mut b, "Dense");
    dims(&mut b, &[2, 2]);
    ints(&mut b, &[1, 2, -3, 4]);
    ints(&mut b, &[0, 7]);
    string(&mut b, "softmax");
    u64le(&mut b, 2);
    string(&mut b, "low");
    string(&mut b, "high");
    format!("sha256:{}", hex::encode(Sha256::digest(&b)))
}

#[test]
fn the_documented_encoding_gives_the_published_test_vector() {
    assert_eq!(by_the_document(), digest(&test_graph()).to_string());
    assert_eq!(digest(&test_graph()).to_string(), VECTOR, "docs/digest.md's test vector");
}

/// The tree-ensemble test vector of docs/digest.md.
const TREE_VECTOR: &str = "sha256:77cce29e380a11738a85968d66163e8310270448e3dee130c2997ba8981a5b41";

fn tree_graph() -> Graph {
    use zkdx_model::ir::TreeNode;
    Graph {
        scale_bits: 8,
        inputs: vec![InputSpec { name: "age".into(), min: 18.0, max: 90.0 }],
        input_shape: vec![1, 1],
        ops: vec![Op::TreeEnsemble {
            inputs: 1,
            outputs: 2,
            trees: vec![vec![
                TreeNode::Branch { feature: 0, threshold: 12800, yes: 1, no: 2 },
                TreeNode::Leaf { values: vec![(0, 192)] },
                TreeNode::Leaf { values: vec![(1, 192)] },
            ]],
            base: vec![32, 32],
        }],
        head: Head::Probabilities,
        outputs: vec!["low".into(), "high".into()],
    }
}

/// The tree vector's encoding, as docs/digest.md states it.
fn tree_by_the_document() -> String {
    let mut b: Vec<u8> = b"zkdx/model-digest/v1".to_vec();
    u64le(&mut b, 8);
    u64le(&mut b, 1);
    string(&mut b, "age");
    u64le(&mut b, 18.0f64.to_bits());
    u64le(&mut b, 90.0f64.to_bits());
    dims(&mut b, &[1, 1]);
    u64le(&mut b, 1); // one op
    string(&mut b, "TreeEnsemble");
    dims(&mut b, &[1, 2, 1]); // inputs, outputs, trees
    u64le(&mut b, 3); // three nodes
    u64le(&mut b, 0); // a branch
    dims(&mut b, &[0, 1, 2]);
    ints(&mut b, &[12800]);
    for output in [0u64, 1] {
        u64le(&mut b, 1); // a leaf
        u64le(&mut b, 1); // one value
        u64le(&mut b, output);
        ints(&mut b, &[192]);
    }
    ints(&mut b, &[32, 32]); // base
    string(&mut b, "probabilities");
    u64le(&mut b, 2);
    string(&mut b, "low");
    string(&mut b, "high");
    format!("sha256:{}", hex::encode(Sha256::digest(&b)))
}

#[test]
fn the_documented_tree_encoding_gives_the_published_test_vector() {
    assert_eq!(tree_by_the_document(), digest(&tree_graph()).to_string());
    assert_eq!(digest(&tree_graph()).to_string(), TREE_VECTOR, "docs/digest.md's tree test vector");
}
