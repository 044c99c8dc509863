//! The quantised models against the float models (tract) on every held-out record.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{model, root};
use zkdx_model::evaluate::evaluate;
use zkdx_model::Model;

#[test]
fn breast_cancer_quantised_labels_equal_float_labels() {
    let m = Model::load(&model("breast-cancer")).unwrap();
    let e = evaluate(&m, &root().join("models/data/breast-cancer-test.csv")).unwrap();
    println!("breast-cancer: {e:?}");
    assert_eq!(e.records, 143);
    assert_eq!(e.agreeing, e.records, "every record gets the same label");
    assert_eq!(e.quantised_accuracy, e.float_accuracy);
    assert!(e.worst_error < 0.05, "worst logit error {}", e.worst_error);
    let card = m.card().unwrap();
    assert_eq!(card.metrics.get("quantised_accuracy"), card.metrics.get("float_accuracy"));
}

#[test]
fn breast_cancer_trees_quantised_labels_equal_float_labels() {
    let m = Model::load(&model("breast-cancer-gbt")).unwrap();
    let e = evaluate(&m, &root().join("models/data/breast-cancer-gbt-test.csv")).unwrap();
    println!("breast-cancer-gbt: {e:?}");
    assert_eq!(e.records, 143);
    assert_eq!(e.agreeing, e.records, "every record gets the same label");
    assert_eq!(e.quantised_accuracy, e.float_accuracy);
    assert!(e.worst_error < 0.001, "worst logit error {}", e.worst_error);
    let card = m.card().unwrap();
    assert_eq!(card.metrics.get("quantised_accuracy"), card.metrics.get("float_accuracy"));
}

#[test]
fn diabetes_quantised_scores_track_float_scores() {
    let m = Model::load(&model("diabetes-progression")).unwrap();
    let e = evaluate(&m, &root().join("models/data/diabetes-progression-test.csv")).unwrap();
    println!("diabetes-progression: {e:?}");
    assert_eq!(e.agreeing, e.records, "every score within 0.5 of the float score");
    assert!(e.worst_error < 0.1, "worst score error {}", e.worst_error);
}

#[test]
fn cnn_fixture_agrees_with_tract_on_many_inputs() {
    let m = Model::load(&common::fixture("tiny-cnn.onnx")).unwrap();
    let mut seed = 12345u64;
    let mut worst: f64 = 0.0;
    for _ in 0..50 {
        let x: Vec<f64> = (0..64)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect();
        let d = m.diagnose(&x).unwrap();
        worst = worst.max(d.max_error);
        if d.quantised.label != d.float.label {
            let v = &d.float.values;
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            assert!(sorted[2] - sorted[1] < 2.0 * d.max_error, "labels differ on a clear margin");
        }
    }
    assert!(worst < 1e-3, "worst logit error {worst}");
}
