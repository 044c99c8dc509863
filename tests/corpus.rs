//! The hostile-input corpus (`tests/corpus/`): every case gives its specific error and a
//! non-zero exit, through the library and through the CLI, and nothing panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use zkdx_bundle::signature::sign;
use zkdx_bundle::workflow::{check_bundle_bytes, prove_diagnosis};
use zkdx_bundle::ProofBundle;
use zkdx_model::{Disclosure, Model};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp() -> PathBuf {
    let d = std::env::temp_dir().join(format!("zkdx-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Run the CLI; the case passes if it exits non-zero, says `expected`, and does not panic.
/// Run the CLI, which must refuse with `expected` in its output; its exit status.
fn cli_refuses(args: &[&str], expected: &str, case: &str) -> Option<i32> {
    let out = Command::new(env!("CARGO_BIN_EXE_zkdx")).args(args).current_dir(root()).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{case}: the CLI accepted it: {text}");
    assert!(text.contains(expected), "{case}: expected `{expected}` from the CLI, got: {text}");
    assert!(!text.contains("panicked"), "{case}: {text}");
    out.status.code()
}

fn expected(folder: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root().join("tests/corpus").join(folder).join("EXPECTED")).unwrap();
    text.lines().filter(|l| !l.is_empty()).map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

#[test]
fn records_corpus() {
    let cases = expected("records");
    assert!(cases.len() >= 20);
    for c in &cases {
        let (file, model_id, want) = (&c[0], &c[1], &c[2]);
        let path = root().join("tests/corpus/records").join(file);
        let model = Model::load(&root().join(format!("models/{model_id}.onnx"))).unwrap();
        let err = model.read_record(&path).expect_err(file).to_string();
        assert!(err.contains(want.as_str()), "{file}: expected `{want}`, got `{err}`");
        cli_refuses(&["infer", &format!("models/{model_id}.onnx"), path.to_str().unwrap()], want, file);
    }
}

#[test]
fn a_100_mb_record_is_refused_before_reading() {
    let path = tmp().join("huge.csv");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(100 << 20).unwrap();
    let model = Model::load(&root().join("models/diabetes-progression.onnx")).unwrap();
    let err = model.read_record(&path).unwrap_err().to_string();
    assert!(err.contains("a patient record is at most"), "{err}");
    cli_refuses(&["infer", "models/diabetes-progression.onnx", path.to_str().unwrap()], "at most", "100 MB record");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn models_corpus() {
    let cases = expected("models");
    assert!(cases.len() >= 12);
    for c in &cases {
        let (file, want) = (&c[0], &c[1]);
        let path = root().join("tests/corpus/models").join(file);
        let err = match Model::load(&path) {
            Ok(_) => panic!("{file}: accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(want.as_str()), "{file}: expected `{want}`, got `{err}`");
        cli_refuses(&["inspect", path.to_str().unwrap()], want, file);
    }
}

fn fresh_bundle(model_id: &str, record: &str) -> ProofBundle {
    let m = Model::load(&root().join(format!("models/{model_id}.onnx"))).unwrap();
    let x = m.read_record(&root().join("models/examples").join(record)).unwrap();
    prove_diagnosis(&m, &x, Disclosure::default(), |_| {}, || false).unwrap().unwrap().bundle
}

fn edit(bundle: &ProofBundle, f: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(&bundle.to_bytes()).unwrap();
    f(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

#[test]
fn bundles_corpus() {
    let good = fresh_bundle("breast-cancer", "breast-cancer-malignant.json");
    let other = fresh_bundle("diabetes-progression", "diabetes-progression.json");
    let text = String::from_utf8(good.to_bytes()).unwrap();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut signed = good.clone();
    sign(&mut signed, &ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", text.as_bytes()[..text.len() / 2].to_vec(), "not a readable zkDx bundle"),
        ("empty", Vec::new(), "not a readable zkDx bundle"),
        ("not json", b"%PDF-1.7 not a bundle".to_vec(), "not a readable zkDx bundle"),
        ("json array", b"[1, 2, 3]".to_vec(), "not a readable zkDx bundle"),
        ("another document", edit(&good, |v| v["format"] = "zkdx-model-card".into()), "not a zkDx proof bundle"),
        ("unknown version", edit(&good, |v| v["format_version"] = 9.into()), "format version 9 is newer"),
        ("version as text", edit(&good, |v| v["format_version"] = "2".into()), "format_version"),
        ("wrong field type", edit(&good, |v| v["result"]["scale_bits"] = "16".into()), "damaged or was edited"),
        ("unknown field", edit(&good, |v| v["patient_input"] = vec![1, 2, 3].into()), "unknown field"),
        ("bad time", edit(&good, |v| v["created_at"] = "yesterday".into()), "created_at"),
        ("bad commitment text", edit(&good, |v| v["input_commitment"] = "xyz".into()), "input_commitment"),
        ("proof not base64", edit(&good, |v| v["proof"]["data"] = "***".into()), "not base64"),
        ("random proof bytes", edit(&good, |v| v["proof"]["data"] = b64(&[7u8; 3000]).into()), "proof"),
        (
            "gigantic proof",
            edit(&good, |v| v["proof"]["data"] = "A".repeat(20 << 20).into()),
            "larger than any zkDx bundle",
        ),
        (
            "percentages swapped",
            edit(&good, |v| {
                let o = v["result"]["percentages"].as_array_mut().unwrap();
                o.swap(0, 1);
            }),
            "not the result the proof proves",
        ),
        (
            "exact outputs added to a coarse bundle",
            edit(&good, |v| v["result"]["outputs"] = vec![1, 2].into()),
            "not the result the proof proves",
        ),
        ("disclosure relabelled", edit(&good, |v| v["result"]["disclosure"] = "label".into()), "probabilities"),
        (
            "label edited",
            edit(&good, |v| {
                v["result"]["label_index"] = 1.into();
                v["result"]["label"] = "benign".into();
            }),
            "not the result the proof proves",
        ),
        ("commitment edited", edit(&good, |v| v["input_commitment"] = "1".repeat(64).into()), "input commitment"),
        ("unknown model", edit(&good, |v| v["model"]["id"] = "no-such-model".into()), "is not among the models"),
        (
            "model name edited",
            edit(&good, |v| v["model"]["name"] = "Breast mass malignancy (FDA-cleared edition)".into()),
            "FDA-cleared edition",
        ),
        ("model version edited", edit(&good, |v| v["model"]["version"] = "9.9.9".into()), "version 9.9.9"),
        (
            "digest of another model",
            edit(&good, |v| v["model"]["digest"] = other.model.digest.clone().into()),
            "not for breast-cancer",
        ),
        (
            "proof of another model",
            edit(&other, |v| {
                v["model"] = serde_json::to_value(&good.model).unwrap();
                v["result"] = serde_json::to_value(&good.result).unwrap();
            }),
            "proof",
        ),
        (
            "signature broken by an edit",
            edit(&signed, |v| v["created_at"] = "2020-01-01T00:00:00Z".into()),
            "signature does not match",
        ),
        ("signature fields missing", edit(&good, |v| v["signature"] = serde_json::json!({})), "damaged or was edited"),
        (
            "signature garbage",
            edit(&signed, |v| v["signature"]["signature"] = "00".into()),
            "signature is not 64 bytes",
        ),
        (
            "challenge that is no code",
            edit(&signed, |v| v["challenge"] = "not a code".into()),
            "bundle field `challenge` is invalid",
        ),
    ];
    assert!(cases.len() >= 20);
    // a file that cannot be read as a bundle, or whose model cannot be found, cannot be
    // checked (exit 2); everything else is a bundle contradicting itself or its proof (exit 1)
    let cannot_check = [
        "truncated",
        "empty",
        "not json",
        "json array",
        "another document",
        "unknown version",
        "version as text",
        "gigantic proof",
        "unknown model",
    ];
    let dir = tmp();
    for (case, bytes, want) in &cases {
        let trust = zkdx_bundle::TrustList::load(&root().join("models/trust.json")).unwrap();
        let checked = check_bundle_bytes(bytes, None, &root().join("models"), &trust, None);
        let (headline, code) = if cannot_check.contains(case) { ("CANNOT CHECK", 2) } else { ("INVALID", 1) };
        assert_eq!(checked.verdict.headline(), headline, "{case}: {:?}", checked.verdict);
        let reason = checked.verdict.reason().unwrap_or_default();
        assert!(reason.contains(want), "{case}: expected `{want}`, got `{reason}`");
        let path = dir.join(format!("{}.zkdx.json", case.replace(' ', "-")));
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(cli_refuses(&["verify", path.to_str().unwrap()], headline, case), Some(code), "{case}");
        cli_refuses(&["verify", path.to_str().unwrap()], want, case);
    }
    let missing = dir.join("no-such-bundle.zkdx.json");
    assert_eq!(cli_refuses(&["verify", missing.to_str().unwrap()], "CANNOT CHECK", "missing file"), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
