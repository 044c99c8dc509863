//! Conformance of ONNX lowering: what loads, what is refused and with which error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{fixture, model};
use zkdx_model::{Head, Model, ModelError, Op};

fn load_err(path: &std::path::Path) -> ModelError {
    match Model::load(path) {
        Ok(_) => panic!("{} should have been refused", path.display()),
        Err(e) => e,
    }
}

#[test]
fn breast_cancer_lowers_to_the_expected_chain() {
    let m = Model::load(&model("breast-cancer")).unwrap();
    let kinds: Vec<&str> = m.graph().ops.iter().map(Op::kind).collect();
    assert_eq!(kinds, ["AddConst", "MulConst", "Dense", "Relu", "Dense", "Relu", "Dense"]);
    assert_eq!(m.graph().head, Head::Softmax);
    assert_eq!(m.graph().outputs, ["malignant", "benign"]);
    assert_eq!(m.graph().inputs.len(), 30);
}

#[test]
fn diabetes_is_a_regression() {
    let m = Model::load(&model("diabetes-progression")).unwrap();
    assert_eq!(m.graph().head, Head::Identity);
    assert_eq!(m.graph().output_len(), 1);
}

#[test]
fn cnn_with_batchnorm_and_pools_lowers() {
    let m = Model::load(&fixture("tiny-cnn.onnx")).unwrap();
    let kinds: Vec<&str> = m.graph().ops.iter().map(Op::kind).collect();
    assert_eq!(kinds, ["Conv2d", "Relu", "MaxPool", "Conv2d", "Relu", "AvgPool", "Dense"]);
}

#[test]
fn sigmoid_head_and_dynamic_batch_load() {
    assert_eq!(Model::load(&fixture("sigmoid-head.onnx")).unwrap().graph().head, Head::Sigmoid);
    assert_eq!(Model::load(&fixture("dynamic-batch.onnx")).unwrap().graph().input_shape, [1, 3]);
}

#[test]
fn hidden_sigmoid_is_an_op() {
    let m = Model::load(&fixture("sigmoid-hidden.onnx")).unwrap();
    let kinds: Vec<&str> = m.graph().ops.iter().map(Op::kind).collect();
    assert_eq!(kinds, ["Dense", "Sigmoid", "Dense"]);
    assert_eq!(m.graph().head, Head::Softmax);
    for x in [[-4.0, 0.0, 4.0], [1.0, -2.0, 0.5], [3.9, 3.9, -3.9]] {
        let d = m.diagnose(&x).unwrap();
        assert!(d.max_error < 0.05, "{}", d.max_error);
    }
}

#[test]
fn unsupported_ops_are_named_with_their_node() {
    match load_err(&fixture("unsupported-tanh.onnx")) {
        ModelError::UnsupportedOp { op, node, .. } => {
            assert_eq!((op.as_str(), node.as_str()), ("Tanh", "squash"))
        }
        e => panic!("wrong error {e}"),
    }
    match load_err(&fixture("unknown-op.onnx")) {
        ModelError::UnsupportedOp { op, node, .. } => {
            assert_eq!((op.as_str(), node.as_str()), ("FancyOp", "mystery"))
        }
        e => panic!("wrong error {e}"),
    }
    let e = load_err(&fixture("residual.onnx"));
    assert!(matches!(&e, ModelError::UnsupportedOp { op, .. } if op == "Add"), "{e}");
    assert!(e.to_string().contains("two activations"), "{e}");
}

#[test]
fn overflowing_model_is_refused() {
    let e = load_err(&fixture("overflow.onnx"));
    assert!(matches!(e, ModelError::Overflow { op: 0, .. }), "{e}");
}

#[test]
fn model_without_ranges_is_refused() {
    assert!(matches!(load_err(&fixture("no-metadata.onnx")), ModelError::NoInputRanges));
}

#[test]
fn truncated_and_random_files_are_refused() {
    let bytes = std::fs::read(model("breast-cancer")).unwrap();
    let dir = std::env::temp_dir().join(format!("zkdx-lowering-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in [
        ("truncated.onnx", bytes[..bytes.len() / 2].to_vec()),
        ("empty.onnx", Vec::new()),
        ("random.onnx", (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("text.onnx", b"this is not a model".to_vec()),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        let e = load_err(&p);
        assert!(
            matches!(e, ModelError::NotOnnx { .. } | ModelError::Analysis(_) | ModelError::Shape(_)),
            "{name}: {e}"
        );
    }
    assert!(matches!(load_err(&dir.join("missing.onnx")), ModelError::Io { .. }));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_card_whose_digest_does_not_match_is_refused() {
    let dir = std::env::temp_dir().join(format!("zkdx-card-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(model("breast-cancer"), dir.join("breast-cancer.onnx")).unwrap();
    let card = std::fs::read_to_string(common::root().join("models/breast-cancer.json")).unwrap();
    let digest = Model::load(&model("breast-cancer")).unwrap().digest().to_string();
    std::fs::write(dir.join("breast-cancer.json"), card.replace(&digest, &format!("sha256:{}", "0".repeat(64))))
        .unwrap();
    let e = load_err(&dir.join("breast-cancer.onnx"));
    assert!(matches!(e, ModelError::Card { .. }) && e.to_string().contains("does not match"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
