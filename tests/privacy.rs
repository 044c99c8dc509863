//! Privacy, shown: a full patient flow through the CLI opens no socket to a network address
//! (traced with strace), and no byte sequence of the patient's record, raw or quantised,
//! appears in the bundle or in what the CLI prints.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use zkdx_model::Model;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_patient_flow_opens_no_network_socket_and_leaks_no_input() {
    let dir = std::env::temp_dir().join(format!("zkdx-privacy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("result.zkdx.json");
    let trace = dir.join("connect.trace");
    let record = root().join("models/examples/breast-cancer-malignant.json");
    let out = Command::new("strace")
        .args(["-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_zkdx"))
        .args(["prove", "models/breast-cancer.onnx"])
        .arg(&record)
        .arg("-o")
        .arg(&bundle)
        .current_dir(root())
        .output()
        .expect("strace is installed by scripts/setup.sh");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let traced = std::fs::read_to_string(&trace).unwrap();
    let network: Vec<&str> = traced
        .lines()
        .filter(|l| (l.contains("AF_INET") || l.contains("AF_INET6")) && !l.contains("127.0.0.1") && !l.contains("::1"))
        .collect();
    assert!(network.is_empty(), "network sockets: {network:?}");

    let model = Model::load(&root().join("models/breast-cancer.onnx")).unwrap();
    let values = model.read_record(&record).unwrap();
    let quantised = model.quantise_input(&values);
    let bundle_bytes = std::fs::read(&bundle).unwrap();
    let parsed = zkdx_bundle::ProofBundle::from_bytes(&bundle_bytes).unwrap();
    let proof = base64::engine::general_purpose::STANDARD.decode(parsed.proof.data.as_bytes()).unwrap();
    let printed = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    let raw_text = std::fs::read_to_string(&record).unwrap();
    let raw: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&raw_text).unwrap();
    for (name, v) in &raw {
        let text = v.to_string();
        for place in [&bundle_bytes, &printed] {
            assert!(!contains(place, name.as_bytes()), "feature name `{name}` leaked");
            if text.len() >= 4 {
                assert!(!contains(place, text.as_bytes()), "value {text} of `{name}` leaked");
            }
        }
    }
    for q in &quantised {
        // short numbers turn up in any text by chance: compare those that identify a value
        let decimal = q.to_string();
        if decimal.len() >= 5 {
            assert!(!contains(&bundle_bytes, decimal.as_bytes()), "quantised value {q} in the bundle");
            assert!(!contains(&printed, decimal.as_bytes()), "quantised value {q} printed");
        }
        assert!(!contains(&proof, &(*q as u64).to_le_bytes()), "quantised value {q} in the proof bytes");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
