//! End-to-end tests of the `zkdx` binary: what a patient, a clinician and a regulator type.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn zkdx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkdx")).args(args).current_dir(root()).output().unwrap()
}

/// `zkdx` with `cache` as its cache folder (verifiers, circuits, proof times).
fn zkdx_cached(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkdx"))
        .args(args)
        .env("ZKDX_CACHE_DIR", cache)
        .current_dir(root())
        .output()
        .unwrap()
}

fn zkdx_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkdx"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zkdx-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `zkdx prove MODEL RECORD -q -o OUT`, which must succeed; its output.
fn prove_ok(model: &str, record: &str, out: &Path) -> Output {
    let o = zkdx(&["prove", model, record, "-q", "-o", s(out)]);
    assert!(o.status.success(), "prove {model} {record}: {}", text(&o));
    o
}

#[test]
fn infer_prints_the_diagnosis() {
    let o = zkdx(&["infer", "models/breast-cancer.onnx", "models/examples/breast-cancer-malignant.json"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("quantised  malignant"), "{}", text(&o));
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", "models/examples/diabetes-progression.csv"]);
    assert!(o.status.success() && text(&o).contains("progression ="), "{}", text(&o));
}

#[test]
fn digest_and_inspect_reproduce_the_cards_digest() {
    let card = std::fs::read_to_string(root().join("models/breast-cancer.json")).unwrap();
    let o = zkdx(&["digest", "models/breast-cancer.onnx"]);
    let digest = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(digest.starts_with("sha256:") && card.contains(&digest), "{digest}");
    let o = zkdx(&["inspect", "models/breast-cancer.onnx"]);
    assert!(text(&o).contains(&digest) && text(&o).contains("parameters 710"), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("coarse 2^8 rows, 100 bits conjectured, 56.9 provable"), "{t}");
    assert!(t.contains("high       coarse 2^11 rows, 102.3 bits provable"), "{t}");
}

#[test]
fn bad_inputs_give_clear_errors_not_panics() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["infer", "tests/fixtures/unsupported-tanh.onnx", "models/examples/diabetes-progression.json"],
            "unsupported ONNX op `Tanh` at node `squash`",
        ),
        (&["inspect", "tests/fixtures/unknown-op.onnx"], "`FancyOp` at node `mystery`"),
        (&["inspect", "models/breast-cancer.json.missing"], "cannot read"),
        (&["infer", "models/breast-cancer.onnx", "models/examples/diabetes-progression.json"], "another model"),
        (&["infer", "models/breast-cancer.onnx", "tests/cli.rs"], "malformed CSV"),
    ];
    for (args, expected) in cases {
        let o = zkdx(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(expected), "{args:?}: {}", text(&o));
        assert!(!text(&o).contains("panicked"), "{args:?}: {}", text(&o));
    }
    // the summary names every user verb and no developer tool
    let help = text(&zkdx(&["--help"]));
    for verb in ["infer", "prove", "verify", "open", "inspect", "digest", "accuracy", "bench"] {
        assert!(help.contains(&format!("\n  {verb} ")), "{verb} missing from --help: {help}");
    }
    assert!(!help.contains("card-sync"), "{help}");
    // output cut short by its reader ends quietly, without a panic
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkdx"))
        .args(["inspect", "models/breast-cancer.onnx"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&o.stderr));
    // a cause is printed once, not once in the message and again as its source
    let o = zkdx(&["inspect", "models/no-such-model.onnx"]);
    assert_eq!(text(&o).matches("No such file or directory").count(), 1, "{}", text(&o));
    let bad = tmp("bad.csv");
    std::fs::write(&bad, "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n61,1,24.6,101,209,106.8,77,3,NaN,88\n").unwrap();
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", s(&bad)]);
    assert!(text(&o).contains("`s5`: NaN is not a finite number"), "{}", text(&o));
    std::fs::write(&bad, "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n61,1,240,101,209,106.8,77,3,4.8,88\n").unwrap();
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", s(&bad)]);
    assert!(text(&o).contains("`bmi` = 240 is outside the plausible range 12 to 60 kg/m²"), "{}", text(&o));
    let truncated = tmp("truncated.onnx");
    let bytes = std::fs::read(root().join("models/breast-cancer.onnx")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let o = zkdx(&["inspect", s(&truncated)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("not a readable ONNX model"), "{}", text(&o));
}

#[test]
fn prove_verify_open_and_tampering() {
    let bundle = tmp("bc.zkdx.json");
    let salt = tmp("bc.salt");
    let record = "models/examples/breast-cancer-benign.json";
    let o_prove = zkdx(&[
        "prove",
        "models/breast-cancer.onnx",
        record,
        "-o",
        s(&bundle),
        "--salt-out",
        s(&salt),
        "-q",
        "--disclose",
        "exact",
    ]);
    assert!(o_prove.status.success(), "{}", text(&o_prove));
    let infer = zkdx(&["infer", "models/breast-cancer.onnx", record]);
    let quantised_line =
        text(&infer).lines().find(|l| l.starts_with("quantised")).unwrap().replace("quantised", "").trim().to_string();

    let o = zkdx(&["verify", s(&bundle)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with("VALID"), "{}", text(&o));
    assert!(text(&o).contains(&quantised_line), "the bundle's result is `zkdx infer`'s: {}", text(&o));

    let contents = std::fs::read_to_string(&bundle).unwrap();
    let salt_hex = std::fs::read_to_string(&salt).unwrap();
    assert!(!contents.contains(salt_hex.trim()), "the salt is never in the bundle");
    assert!(!text(&o_prove).contains(salt_hex.trim()), "the salt is never printed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&salt).unwrap().permissions().mode() & 0o777, 0o600, "the salt is owner-only");
    }
    let o = zkdx(&["open", s(&bundle), record, "--salt-file", s(&salt)]);
    assert!(o.status.success() && text(&o).contains("MATCHES"), "{}", text(&o));
    let o = zkdx_stdin(&["open", s(&bundle), record, "--salt-file", "-"], salt_hex.as_bytes());
    assert!(o.status.success() && text(&o).contains("MATCHES"), "salt on standard input: {}", text(&o));
    let o = zkdx(&["open", s(&bundle), "models/examples/breast-cancer-malignant.json", "--salt-file", s(&salt)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = zkdx(&["open", s(&bundle), record, "--salt", salt_hex.trim()]);
    assert_eq!(o.status.code(), Some(2), "a salt is never an argument: {}", text(&o));

    let json: serde_json::Value = serde_json::from_str(&contents).unwrap();
    let variants: Vec<(&str, String)> = vec![
        (
            "label",
            contents.replacen("\"label_index\": 1", "\"label_index\": 0", 1).replacen(
                "\"label\": \"benign\"",
                "\"label\": \"malignant\"",
                1,
            ),
        ),
        ("commitment", contents.replacen(json["input_commitment"].as_str().unwrap(), &"0".repeat(64), 1)),
        ("proof byte", {
            let data = json["proof"]["data"].as_str().unwrap();
            let mid = data.len() / 2;
            let flipped = if &data[mid..mid + 1] == "A" { "B" } else { "A" };
            contents.replacen(data, &format!("{}{}{}", &data[..mid], flipped, &data[mid + 1..]), 1)
        }),
        ("truncated", contents[..contents.len() / 2].to_string()),
        ("version", contents.replacen("\"format_version\": 6", "\"format_version\": 9", 1)),
    ];
    for (what, text_variant) in variants {
        let p = tmp(&format!("tampered-{}.zkdx.json", what.replace(' ', "-")));
        std::fs::write(&p, text_variant).unwrap();
        let o = zkdx(&["verify", s(&p)]);
        // a file that is no longer a readable bundle cannot be checked; an edit is INVALID
        let (code, headline) =
            if matches!(what, "truncated" | "version") { (2, "CANNOT CHECK") } else { (1, "INVALID") };
        assert_eq!(o.status.code(), Some(code), "{what}: {}", text(&o));
        assert!(text(&o).starts_with(headline) && text(&o).contains("reason"), "{what}: {}", text(&o));
        if what == "proof byte" {
            // its claimed commitment is the real one, but an INVALID bundle opens nothing
            let o = zkdx(&["open", s(&p), record, "--salt-file", s(&salt)]);
            assert_eq!(o.status.code(), Some(2), "{}", text(&o));
            assert!(!text(&o).contains("MATCHES") && text(&o).contains("INVALID"), "{}", text(&o));
        }
    }
    let o = zkdx(&["verify", s(&bundle), "--model", "models/diabetes-progression.onnx"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not for diabetes-progression"), "{}", text(&o));
}

#[test]
fn two_default_bundles_of_one_record_share_only_the_disclosed_result() {
    let record = "models/examples/breast-cancer-malignant.json";
    let mut bundles = Vec::new();
    for name in ["link-a.zkdx.json", "link-b.zkdx.json"] {
        let bundle = tmp(name);
        let o = prove_ok("models/breast-cancer.onnx", record, &bundle);
        assert!(text(&o).contains("coarse"), "coarse is the default: {}", text(&o));
        let o = zkdx(&["verify", s(&bundle)]);
        assert!(o.status.success() && text(&o).contains("disclosed  coarse"), "{}", text(&o));
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
        bundles.push(json);
    }
    let (a, b) = (&bundles[0], &bundles[1]);
    assert_eq!(a["result"], b["result"], "the disclosed result is the same");
    assert_eq!(a["result"]["disclosure"], "coarse");
    assert!(a["result"].get("outputs").is_none(), "no exact logit: {}", a["result"]);
    let percents = a["result"]["percentages"].as_array().unwrap();
    assert!(percents.iter().all(|p| p.as_u64().unwrap() <= 100));
    assert_ne!(a["input_commitment"], b["input_commitment"]);
    assert_ne!(a["proof"]["data"], b["proof"]["data"]);

    // label: the class and nothing else
    let bundle = tmp("label.zkdx.json");
    let o = zkdx(&["prove", "models/breast-cancer.onnx", record, "-o", s(&bundle), "-q", "--disclose", "label"]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let result = json["result"].as_object().unwrap();
    for absent in ["outputs", "percentages", "probabilities", "rounded"] {
        assert!(!result.contains_key(absent), "{absent} in a label bundle: {json}");
    }
    let o = zkdx(&["verify", s(&bundle)]);
    assert!(o.status.success() && text(&o).contains("result     malignant\n"), "{}", text(&o));
}

#[test]
fn a_salt_file_others_can_read_is_refused_before_proving() {
    let bundle = tmp("refused.zkdx.json");
    let salt = tmp("refused.salt");
    std::fs::write(&salt, "keep me\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&salt, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let args = ["prove", "models/diabetes-progression.onnx", "models/examples/diabetes-progression.csv", "-q"];
    let o = zkdx(&[&args[..], &["-o", s(&bundle), "--salt-out", s(&salt)]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("others may read it"), "{}", text(&o));
    assert!(!bundle.exists(), "refused before proving");
    assert_eq!(std::fs::read_to_string(&salt).unwrap(), "keep me\n");
}

#[test]
fn regression_model_proves_and_verifies() {
    let bundle = tmp("dp.zkdx.json");
    let o = zkdx(&[
        "prove",
        "models/diabetes-progression.onnx",
        "models/examples/diabetes-progression.csv",
        "-o",
        s(&bundle),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let default_salt = tmp("dp.zkdx.json.salt");
    assert!(text(&o).contains(s(&default_salt)), "the salt goes beside the bundle by default: {}", text(&o));
    assert_eq!(std::fs::read_to_string(&default_salt).unwrap().trim().len(), 64);
    let o = zkdx(&["verify", s(&bundle)]);
    assert!(o.status.success() && text(&o).contains("study score"), "{}", text(&o));
}

#[test]
fn a_bundle_answers_the_clinicians_challenge_and_no_other() {
    let o = zkdx(&["challenge"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let code = out.lines().next().unwrap().trim_start_matches("challenge").trim().to_string();
    assert_eq!(code.len(), 19, "{out}");
    assert!(out.contains(&format!("--challenge {code}")), "{out}");
    let bundle = tmp("challenged.zkdx.json");
    let record = "models/examples/diabetes-progression.csv";
    let o = zkdx(&["prove", "models/diabetes-progression.onnx", record, "-o", s(&bundle), "-q", "--challenge", &code]);
    assert!(o.status.success() && text(&o).contains(&format!("answers challenge {code}")), "{}", text(&o));
    // the code the clinician issued, typed loosely: VALID and fresh
    let loose = code.to_lowercase().replace('-', " ");
    let o = zkdx(&["verify", s(&bundle), "--challenge", &loose]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains(&format!("fresh      yes: the proof answers your challenge {code}")), "{}", text(&o));
    // without a code to compare: VALID, saying which challenge it answers
    let o = zkdx(&["verify", s(&bundle)]);
    assert!(o.status.success() && text(&o).contains(&format!("answers challenge {code}; give")), "{}", text(&o));
    // another request's code: INVALID (a replay), in text and JSON
    let other = "0000-0000-0000-0001";
    let o = zkdx(&["verify", s(&bundle), "--challenge", other, "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["outcome"], "INVALID");
    assert!(v["reason"].as_str().unwrap().contains(&format!("answers challenge {code}, not yours ({other})")), "{v}");
    // a bundle made without a challenge does not answer one
    let plain = tmp("unchallenged.zkdx.json");
    prove_ok("models/diabetes-progression.onnx", record, &plain);
    let o = zkdx(&["verify", s(&plain), "--challenge", &code]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("answers no challenge"), "{}", text(&o));
    let o = zkdx(&["verify", s(&plain), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["challenge"], serde_json::json!({"answered": null, "yours": null, "fresh": null}));
    // editing the bundle's challenge to the clinician's breaks it: the proof answers none
    let edited = tmp("edited-challenge.zkdx.json");
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&plain).unwrap()).unwrap();
    b["challenge"] = code.clone().into();
    std::fs::write(&edited, serde_json::to_vec(&b).unwrap()).unwrap();
    let o = zkdx(&["verify", s(&edited), "--challenge", &code]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not the one the proof answers"), "{}", text(&o));
    // a mistyped code is a usage error before any proof
    let o = zkdx(&["verify", s(&bundle), "--challenge", "7K2M-9QXF"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("16 letters and digits"), "{}", text(&o));
}

#[test]
fn a_high_assurance_proof_verifies_as_one_and_cannot_pass_for_the_other_level() {
    let model = "models/breast-cancer.onnx";
    let record = "models/examples/breast-cancer-malignant.csv";
    let high = tmp("high.zkdx.json");
    let o = zkdx(&["prove", model, record, "-q", "-o", s(&high), "--assurance", "high"]);
    assert!(o.status.success() && text(&o).contains("assurance  high: at least 100 bits provable"), "{}", text(&o));
    let o = zkdx(&["verify", s(&high)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("assurance  high") && text(&o).contains("demonstration publisher"), "{}", text(&o));
    // the same proof relabelled as a standard one is checked against the standard circuit
    let relabelled = tmp("high-as-standard.zkdx.json");
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&high).unwrap()).unwrap();
    b["proof"]["system"] = "plonky2-1.1 goldilocks poseidon zk".into();
    std::fs::write(&relabelled, serde_json::to_vec(&b).unwrap()).unwrap();
    assert_eq!(zkdx(&["verify", s(&relabelled)]).status.code(), Some(1));
    // and a standard proof relabelled as high assurance is INVALID
    let standard = tmp("standard.zkdx.json");
    prove_ok(model, record, &standard);
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&standard).unwrap()).unwrap();
    b["proof"]["system"] = "plonky2-1.1 goldilocks poseidon zk, high assurance".into();
    std::fs::write(&relabelled, serde_json::to_vec(&b).unwrap()).unwrap();
    let o = zkdx(&["verify", s(&relabelled), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // compact proofs have standard assurance only: refused before proving, nothing written
    let compact = tmp("high-compact.zkdx.json");
    let o = zkdx(&["prove", model, record, "-q", "-o", s(&compact), "--assurance", "high", "--compact"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("either a compact proof or high assurance") && !compact.exists(), "{}", text(&o));
}

#[test]
fn audit_reports_every_bundle_in_a_folder_with_its_own_outcome() {
    // a models folder where breast-cancer is endorsed and diabetes-progression is not
    let models = tmp("audit-models");
    std::fs::create_dir_all(&models).unwrap();
    for f in ["breast-cancer.onnx", "breast-cancer.json", "breast-cancer.endorsement.json", "trust.json"] {
        std::fs::copy(root().join("models").join(f), models.join(f)).unwrap();
    }
    for f in ["diabetes-progression.onnx", "diabetes-progression.json"] {
        std::fs::copy(root().join("models").join(f), models.join(f)).unwrap();
    }
    let folder = tmp("audit-bundles");
    std::fs::create_dir_all(&folder).unwrap();
    let valid = folder.join("a-valid.zkdx.json");
    prove_ok("models/breast-cancer.onnx", "models/examples/breast-cancer-benign.json", &valid);
    let unapproved = folder.join("b-unapproved.zkdx.json");
    prove_ok("models/diabetes-progression.onnx", "models/examples/diabetes-progression.json", &unapproved);
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&valid).unwrap()).unwrap();
    b["result"]["label"] = "malignant".into();
    b["result"]["label_index"] = 0.into();
    std::fs::write(folder.join("c-invalid.zkdx.json"), serde_json::to_vec(&b).unwrap()).unwrap();
    std::fs::write(folder.join("d-garbage.zkdx.json"), "not a bundle").unwrap();
    std::fs::write(folder.join("notes.txt"), "not a bundle name: skipped").unwrap();
    for f in ["a-valid.zkdx.json.salt", "b-unapproved.zkdx.json.salt"] {
        let _ = std::fs::remove_file(folder.join(f));
    }
    let (json, html) = (tmp("audit.json"), tmp("audit.html"));
    let o = zkdx(&["audit", s(&folder), "--models", s(&models), "--json", s(&json), "--html", s(&html)]);
    assert_eq!(o.status.code(), Some(1), "an INVALID bundle is the worst outcome: {}", text(&o));
    assert!(text(&o).contains("4 bundle(s)"), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let outcomes: Vec<&str> =
        report["bundles"].as_array().unwrap().iter().map(|b| b["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["VALID", "VALID PROOF, UNAPPROVED MODEL", "INVALID", "CANNOT CHECK"]);
    let first = &report["bundles"][0];
    assert!(first["publisher"].as_str().unwrap().contains("demonstration publisher"), "{first}");
    assert_eq!(first["disclosure"], "coarse");
    assert!(first["result"].as_str().unwrap().contains("benign"), "{first}");
    assert!(report["bundles"][2]["result"].is_null(), "nothing of an INVALID bundle is reported as fact");
    assert!(report["bundles"][1]["reason"].as_str().unwrap().contains("no signed endorsement"), "{report}");
    let page = std::fs::read_to_string(&html).unwrap();
    for outcome in ["VALID", "UNAPPROVED MODEL", "INVALID", "CANNOT CHECK", "a-valid.zkdx.json"] {
        assert!(page.contains(outcome), "{outcome} missing from the HTML report");
    }
    assert!(!page.contains("<script"), "the page runs nothing");
    // only VALID bundles: exit 0
    let only = tmp("audit-only-valid");
    std::fs::create_dir_all(&only).unwrap();
    std::fs::copy(&valid, only.join("x.zkdx.json")).unwrap();
    let o = zkdx(&["audit", s(&only), "--models", s(&models)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn card_export_is_a_cyclonedx_1_6_ml_bom_that_the_reference_schema_accepts() {
    let python = root().join("tests/.venv/bin/python");
    assert!(python.exists(), "tests/.venv is missing: run scripts/setup.sh (it installs cyclonedx-python-lib)");
    let mut files = Vec::new();
    for id in ["breast-cancer", "breast-cancer-gbt", "diabetes-progression"] {
        let out = tmp(&format!("{id}.cdx.json"));
        let o = zkdx(&["card", "export", &format!("models/{id}.onnx"), "--cyclonedx", "-o", s(&out)]);
        assert!(o.status.success(), "{}", text(&o));
        let bom: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let c = &bom["components"][0];
        assert_eq!(c["type"], "machine-learning-model");
        let card: serde_json::Value =
            serde_json::from_slice(&std::fs::read(root().join(format!("models/{id}.json"))).unwrap()).unwrap();
        assert_eq!(c["name"], card["name"]);
        let digest = c["properties"].as_array().unwrap().iter().find(|p| p["name"] == "zkdx:digest").unwrap();
        assert_eq!(digest["value"], card["digest"], "the zkDx digest in the properties");
        let o = zkdx(&["inspect", &format!("models/{id}.onnx")]);
        let sha = c["hashes"][0]["content"].as_str().unwrap().to_string();
        assert!(text(&o).contains(&format!("file       sha256 {sha}")), "the file hash in hashes");
        let metrics = c["modelCard"]["quantitativeAnalysis"]["performanceMetrics"].as_array().unwrap();
        assert_eq!(metrics.len(), 2, "float and quantised, each with its interval");
        for m in metrics {
            let (lo, v, hi) =
                (&m["confidenceInterval"]["lowerBound"], &m["value"], &m["confidenceInterval"]["upperBound"]);
            let f = |x: &serde_json::Value| x.as_str().unwrap().parse::<f64>().unwrap();
            assert!(f(lo) <= f(v) && f(v) <= f(hi), "{m}");
        }
        files.push(out);
    }
    // the validator refuses what the schema does not allow, so its "valid" means something
    let bad = tmp("bad.cdx.json");
    let mut bom: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    bom["components"][0]["modelCard"]["unknownSection"] = "x".into();
    std::fs::write(&bad, serde_json::to_vec(&bom).unwrap()).unwrap();
    let check = |paths: &[&Path]| {
        Command::new(&python).arg(root().join("tests/validate_cyclonedx.py")).args(paths).output().unwrap()
    };
    let o = check(&[&files[0], &files[1]]);
    assert!(o.status.success(), "{}", text(&o));
    let o = check(&[&bad]);
    assert!(!o.status.success() && text(&o).contains("INVALID"), "{}", text(&o));
}

#[test]
fn outputs_are_checked_before_proving_and_dash_is_standard_output() {
    let prove = |out: &str, salt: Option<&str>| {
        let mut args = vec![
            "prove",
            "models/diabetes-progression.onnx",
            "models/examples/diabetes-progression.json",
            "-q",
            "-o",
            out,
        ];
        if let Some(salt) = salt {
            args.extend(["--salt-out", salt]);
        }
        zkdx(&args)
    };
    // a missing folder, a device, a link: refused before any proof, nothing written
    let missing = tmp("no-such-folder").join("out.zkdx.json");
    let o = prove(s(&missing), None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does not exist") && !text(&o).contains("result"), "{}", text(&o));
    let o = prove("/dev/null", Some(s(&tmp("devnull.salt"))));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a regular file"), "{}", text(&o));
    #[cfg(unix)]
    {
        let real = tmp("real.zkdx.json");
        std::fs::write(&real, "kept").unwrap();
        let link = tmp("link.zkdx.json");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let o = prove(s(&link), Some(s(&tmp("link.salt"))));
        assert!(text(&o).contains("symbolic link"), "{}", text(&o));
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "kept");
    }
    // `-o -`: the bundle on standard output, the summary on standard error, and the salt
    // must go to a named file
    let o = prove("-", None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--salt-out"), "{}", text(&o));
    assert!(!std::path::Path::new(&root().join("-")).exists(), "no file named `-`");
    let salt = tmp("stdout.salt");
    let _ = std::fs::remove_file(&salt);
    let o = prove("-", Some(s(&salt)));
    assert!(o.status.success(), "{}", text(&o));
    let bundle = zkdx_bundle::ProofBundle::from_bytes(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    assert_eq!(bundle.model.id, "diabetes-progression");
    assert!(String::from_utf8_lossy(&o.stderr).contains("standard output"));
    assert!(!root().join("-").exists(), "no file named `-`");
}

#[test]
fn a_valid_proof_of_an_unapproved_model_is_never_plain_valid() {
    // The forged-folder attack: a different model (diabetes) under breast-cancer's id and
    // card name, proved honestly and sent with its own models folder.
    let evil = tmp("evil-models");
    std::fs::create_dir_all(&evil).unwrap();
    std::fs::copy(root().join("models/diabetes-progression.onnx"), evil.join("breast-cancer.onnx")).unwrap();
    let mut card: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("models/diabetes-progression.json")).unwrap())
            .unwrap();
    card["id"] = "breast-cancer".into();
    card["name"] = "Breast mass malignancy (Wisconsin diagnostic)".into();
    std::fs::write(evil.join("breast-cancer.json"), serde_json::to_string_pretty(&card).unwrap()).unwrap();
    let bundle = tmp("evil.zkdx.json");
    prove_ok(s(&evil.join("breast-cancer.onnx")), "models/examples/diabetes-progression.json", &bundle);
    // its own folder, with the shipped trust list: a valid proof, an unapproved model
    let o = zkdx(&["verify", s(&bundle), "--models", s(&evil), "--trust", "models/trust.json"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).starts_with("VALID PROOF, UNAPPROVED MODEL"), "{}", text(&o));
    assert!(text(&o).contains("no signed endorsement"), "{}", text(&o));
    // a copied endorsement does not help: it pins another model
    std::fs::copy(root().join("models/breast-cancer.endorsement.json"), evil.join("breast-cancer.endorsement.json"))
        .unwrap();
    let o = zkdx(&["verify", s(&bundle), "--models", s(&evil), "--trust", "models/trust.json"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("not this one"), "{}", text(&o));
    // without a trust list to read, nothing can be checked
    let o = zkdx(&["verify", s(&bundle), "--models", s(&evil)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // the evil model's own publisher, once an institution trusts its key, is named
    let secret = tmp("publisher.key");
    let _ = std::fs::remove_file(&secret);
    let o = zkdx(&["card", "keygen", "--secret-out", s(&secret)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains(std::fs::read_to_string(&secret).unwrap().trim()), "the secret is never printed");
    let public = text(&o).lines().find_map(|l| l.strip_prefix("public key ")).unwrap().trim().to_string();
    let o = zkdx(&["card", "sign", s(&evil.join("breast-cancer.onnx")), "--secret-file", s(&secret)]);
    assert!(o.status.success(), "{}", text(&o));
    let trust = tmp("trust.json");
    std::fs::write(
        &trust,
        serde_json::json!({"format": "zkdx-trust-list", "format_version": 1,
            "publishers": [{"name": "Test Lab", "key": public, "added": "2026-11-26"}]})
        .to_string(),
    )
    .unwrap();
    let o = zkdx(&["card", "verify", s(&evil.join("breast-cancer.onnx")), "--trust", s(&trust)]);
    assert!(o.status.success() && text(&o).contains("APPROVED by Test Lab"), "{}", text(&o));
    let o = zkdx(&["verify", s(&bundle), "--models", s(&evil), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("publisher  Test Lab"), "{}", text(&o));
    // an edited card after signing is no longer approved
    card["limitations"] = "none".into();
    std::fs::write(evil.join("breast-cancer.json"), serde_json::to_string_pretty(&card).unwrap()).unwrap();
    let o = zkdx(&["verify", s(&bundle), "--models", s(&evil), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("card was changed"), "{}", text(&o));

    // and an honest bundle of a shipped model names the shipped publisher
    let honest = tmp("honest.zkdx.json");
    prove_ok("models/breast-cancer.onnx", "models/examples/breast-cancer-benign.json", &honest);
    let o = zkdx(&["verify", s(&honest)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("publisher  zkDx demonstration publisher"), "{}", text(&o));

    // --json: one object per verdict, the same exit status, details only when VALID
    let json = |args: &[&str]| {
        let o = zkdx(args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
        (o.status.code(), v)
    };
    let (code, v) = json(&["verify", s(&honest), "--json"]);
    assert_eq!((code, v["outcome"].as_str()), (Some(0), Some("VALID")), "{v}");
    assert_eq!(v["model"]["id"], "breast-cancer");
    assert!(v["publisher"].as_str().unwrap().starts_with("zkDx demonstration publisher"), "{v}");
    let (code, v) = json(&["verify", s(&bundle), "--models", s(&evil), "--trust", "models/trust.json", "--json"]);
    assert_eq!((code, v["outcome"].as_str()), (Some(3), Some("VALID PROOF, UNAPPROVED MODEL")), "{v}");
    assert!(v.get("model").is_none() && v["reason"].is_string(), "{v}");
    let (code, v) = json(&["verify", "no-such.zkdx.json", "--json"]);
    assert_eq!((code, v["outcome"].as_str(), v["exit_code"].as_u64()), (Some(2), Some("CANNOT CHECK"), Some(2)), "{v}");
}

#[test]
fn the_shipped_tree_model_proves_and_is_valid_by_its_publisher() {
    // gradient-boosted trees as skl2onnx exported them, lowered by zkDx, endorsed and listed
    let o = zkdx(&["inspect", "models/breast-cancer-gbt.onnx"]);
    assert!(text(&o).contains("TreeEnsemble 30 → 1, 60 trees"), "{}", text(&o));
    let bundle = tmp("gbt.zkdx.json");
    prove_ok("models/breast-cancer-gbt.onnx", "models/examples/breast-cancer-malignant.json", &bundle);
    let o = zkdx(&["verify", s(&bundle)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("publisher  zkDx demonstration publisher") && t.contains("result     malignant"), "{t}");
    let o = zkdx(&["card", "verify", "models/breast-cancer-gbt.onnx", "--trust", "models/trust.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn an_edited_model_name_or_version_is_invalid_through_the_cli() {
    let bundle = tmp("to-rename.zkdx.json");
    prove_ok("models/breast-cancer.onnx", "models/examples/breast-cancer-benign.json", &bundle);
    let original: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    for (field, value) in [("name", "Breast mass malignancy (FDA-cleared edition)"), ("version", "9.9.9")] {
        let mut b = original.clone();
        b["model"][field] = value.into();
        let edited = tmp(&format!("renamed-{field}.zkdx.json"));
        std::fs::write(&edited, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
        let o = zkdx(&["verify", s(&edited)]);
        assert_eq!(o.status.code(), Some(1), "{field}: {}", text(&o));
        assert!(text(&o).starts_with("INVALID") && text(&o).contains(value), "{field}: {}", text(&o));
        assert!(!text(&o).contains("publisher"), "nothing of an INVALID bundle is shown: {}", text(&o));
    }
}

#[test]
fn a_second_verification_uses_the_pinned_cached_verifier_and_ignores_a_tampered_one() {
    let cache = tmp("verifier-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let bundle = tmp("cached.zkdx.json");
    prove_ok("models/breast-cancer.onnx", "models/examples/breast-cancer-benign.json", &bundle);
    let verify = || zkdx_cached(&["verify", s(&bundle)], &cache);
    let o = verify();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let entries: Vec<_> = std::fs::read_dir(cache.join("verifiers")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "one verifier kept: {entries:?}");
    let kept = std::fs::read(&entries[0]).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("publisher  zkDx demonstration publisher"), "{}", text(&o));
    // a changed cache entry is not the pinned one: ignored, the circuit rebuilt, the entry
    // replaced by the pinned bytes
    let mut tampered = kept.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(&entries[0], &tampered).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(std::fs::read(&entries[0]).unwrap(), kept);
    // and a tampered bundle is INVALID on the fast path too
    let mut b: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    b["input_commitment"] = "1".repeat(64).into();
    std::fs::write(&bundle, b.to_string()).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn a_second_proof_reuses_the_stored_circuit_and_a_damaged_one_is_built_again() {
    use std::os::unix::fs::PermissionsExt;
    let cache = tmp("circuit-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let bundle = tmp("stored-circuit.zkdx.json");
    let prove = || {
        let record = "models/examples/breast-cancer-benign.json";
        let o = zkdx_cached(&["prove", "models/breast-cancer.onnx", record, "-q", "-o", s(&bundle)], &cache);
        assert!(o.status.success(), "{}", text(&o));
        let o = zkdx(&["verify", s(&bundle)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    };
    prove();
    let entries: Vec<_> = std::fs::read_dir(cache.join("circuits")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "one circuit kept: {entries:?}");
    // it says which model this computer proved with: owner-only, as a secret
    assert_eq!(std::fs::metadata(&entries[0]).unwrap().permissions().mode() & 0o777, 0o600);
    let kept = std::fs::read(&entries[0]).unwrap();
    prove();
    assert_eq!(std::fs::read(&entries[0]).unwrap(), kept, "read, not written again");
    // a damaged entry is not read: the circuit is built again and the entry replaced
    let mut damaged = kept.clone();
    damaged.truncate(kept.len() / 2);
    std::fs::write(&entries[0], &damaged).unwrap();
    prove();
    assert_eq!(std::fs::read(&entries[0]).unwrap().len(), kept.len());
}

/// tests/.venv's Python (fhir.resources and pypdf), which setup makes.
fn venv_python() -> PathBuf {
    let python = root().join("tests/.venv/bin/python");
    assert!(python.exists(), "tests/.venv is missing: run scripts/setup.sh");
    python
}

fn python(args: &[&str]) -> Output {
    Command::new(venv_python()).args(args).current_dir(root()).output().unwrap()
}

/// The FHIR R4 observations of the shipped diabetes example, written by fhir.resources, with
/// cholesterol and glucose in mmol/L and blood pressure in kPa.
fn diabetes_observations(out: &Path, skip: &[&str]) {
    const LOINC: &str = "http://loinc.org";
    const LOCAL: &str = "urn:zkdx:diabetes-progression:feature";
    let specs = [
        (LOINC, "30525-0", "61", "a"),
        (LOCAL, "sex", "1", "{code}"),
        (LOINC, "39156-5", "24.6", "kg/m2"),
        (LOINC, "8478-0", &format!("{}", 101.0 * 0.133_322), "kPa"),
        (LOINC, "2093-3", &format!("{}", 209.0 / 38.665), "mmol/L"),
        (LOINC, "2089-1", "106.8", "mg/dL"),
        (LOINC, "2085-9", "77", "mg/dL"),
        (LOINC, "9830-1", "3", "{ratio}"),
        (LOCAL, "s5", "4.8363", "{ln(mg/dL)}"),
        (LOINC, "2345-7", &format!("{}", 88.0 / 180.156 * 10.0), "mmol/L"),
    ];
    let args: Vec<String> = specs
        .iter()
        .filter(|(_, code, _, _)| !skip.contains(code))
        .map(|(system, code, value, unit)| format!("{system}|{code}={value}:{unit}"))
        .collect();
    let mut all = vec!["tests/fhir_r4.py".to_string(), "observations".into(), s(out).into()];
    all.extend(args);
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = python(&all);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn fhir_observations_prove_and_the_verified_result_exports_as_valid_fhir_r4_that_verifies_again() {
    // FHIR in: the record by LOINC code, units converted and shown
    let obs = tmp("diabetes-observations.fhir.json");
    diabetes_observations(&obs, &[]);
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", "--fhir", s(&obs)]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("converted  s6: ") && t.contains("mmol/L is 88.0000 mg/dL"), "{t}");
    assert!(t.contains("converted  bp: ") && t.contains("kPa is 101.0000 mm[Hg]"), "{t}");
    let from_csv = zkdx(&["infer", "models/diabetes-progression.onnx", "models/examples/diabetes-progression.csv"]);
    let result = |t: &str| t.lines().find(|l| l.starts_with("quantised")).unwrap_or_default().to_string();
    assert_eq!(result(&t), result(&text(&from_csv)), "FHIR and CSV give the same record");
    // a FHIR file given as the record is read as FHIR too
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", s(&obs)]);
    assert!(o.status.success() && text(&o).contains("converted  s1"), "{}", text(&o));

    // record → proof bundle → verdict
    let bundle = tmp("fhir-diabetes.zkdx.json");
    let o = zkdx(&["prove", "models/diabetes-progression.onnx", "--fhir", s(&obs), "-q", "-o", s(&bundle)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = zkdx(&["verify", s(&bundle)]);
    assert!(o.status.success() && text(&o).starts_with("VALID"), "{}", text(&o));

    // → FHIR out, validated by fhir.resources (R4 4.0.1)
    let fhir = tmp("fhir-diabetes.fhir.json");
    let o = zkdx(&["export-fhir", s(&bundle), "-o", s(&fhir)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = python(&["tests/fhir_r4.py", "validate", s(&fhir)]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    for kind in ["Bundle", "Patient", "Observation", "DiagnosticReport", "Device", "Provenance", "DocumentReference"] {
        assert!(t.contains(kind), "{kind} in {t}");
    }
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&fhir).unwrap()).unwrap();
    let resources: Vec<&serde_json::Value> = doc["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |kind: &str| resources.iter().find(|r| r["resourceType"] == kind).copied().unwrap();
    let score = &of("Observation")["valueQuantity"];
    assert_eq!(
        (score["system"].as_str(), score["code"].as_str()),
        (Some("http://unitsofmeasure.org"), Some("{score}"))
    );
    assert_eq!(of("DiagnosticReport")["status"], "final");
    assert_eq!(of("Provenance")["activity"]["coding"][0]["code"], "valid");
    let device = of("Device");
    let card: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("models/diabetes-progression.json")).unwrap()).unwrap();
    assert_eq!(device["identifier"][0]["value"], card["digest"]);
    assert!(device["manufacturer"].as_str().unwrap().contains("zkDx demonstration publisher"));
    assert!(of("Patient").as_object().unwrap().len() == 1, "no patient data: {}", of("Patient"));

    // the attached bundle verifies again
    let attached = zkdx_bundle::fhir::attached_bundle(&doc).unwrap();
    assert_eq!(attached, std::fs::read(&bundle).unwrap(), "the bundle is attached unchanged");
    let again = tmp("fhir-attached.zkdx.json");
    std::fs::write(&again, attached).unwrap();
    let o = zkdx(&["verify", s(&again)]);
    assert!(o.status.success() && text(&o).starts_with("VALID"), "{}", text(&o));

    // the printed report, read back by pypdf
    let pdf = tmp("fhir-diabetes.pdf");
    let o = zkdx(&["report", s(&bundle), "-o", s(&pdf)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = python(&["tests/pdf_text.py", s(&pdf)]);
    let t = text(&o);
    let fingerprint = zkdx_bundle::report::fingerprint(&std::fs::read(&bundle).unwrap());
    for expected in [
        "pages 1",
        "Verdict VALID",
        "Diabetes disease progression at one year (version 1.0.0)",
        card["digest"].as_str().unwrap(),
        "zkDx demonstration publisher",
        "progression = ",
        "Not proved That the values are the patient's true values",
        &fingerprint,
    ] {
        assert!(t.contains(expected), "`{expected}` in the PDF's text:\n{t}");
    }
}

#[test]
fn a_classification_exports_its_coarse_probabilities_as_a_risk_assessment() {
    let bundle = tmp("fhir-bc.zkdx.json");
    prove_ok("models/breast-cancer.onnx", "models/examples/breast-cancer-malignant.json", &bundle);
    let fhir = tmp("fhir-bc.fhir.json");
    let o = zkdx(&["export-fhir", s(&bundle), "-o", s(&fhir)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = python(&["tests/fhir_r4.py", "validate", s(&fhir)]);
    assert!(o.status.success() && text(&o).contains("RiskAssessment"), "{}", text(&o));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&fhir).unwrap()).unwrap();
    let risk = doc["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "RiskAssessment")
        .unwrap();
    let p: Vec<f64> =
        risk["prediction"].as_array().unwrap().iter().map(|p| p["probabilityDecimal"].as_f64().unwrap()).collect();
    assert_eq!(p.len(), 2);
    assert!(p.iter().all(|p| (p * 100.0 - (p * 100.0).round()).abs() < 1e-9), "whole percents: {p:?}");
    assert!(p[0] > 0.5, "malignant: {p:?}");
}

#[test]
fn fhir_problems_are_reported_per_feature_and_unverified_bundles_are_not_exported() {
    let obs = tmp("partial.fhir.json");
    diabetes_observations(&obs, &["2345-7", "8478-0"]);
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", "--fhir", s(&obs)]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("bp: no observation with code http://loinc.org 8478-0 (Mean blood pressure)"), "{t}");
    assert!(t.contains("s6: no observation with code http://loinc.org 2345-7"), "{t}");
    // a record file that is not FHIR given to --fhir
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", "--fhir", "models/examples/diabetes-progression.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // an INVALID bundle: no FHIR export (exit 1, nothing written); its report says INVALID
    let bundle = tmp("fhir-invalid.zkdx.json");
    prove_ok("models/diabetes-progression.onnx", "models/examples/diabetes-progression.json", &bundle);
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    b["result"]["rounded"][0] = (b["result"]["rounded"][0].as_i64().unwrap() + 7).into();
    std::fs::write(&bundle, serde_json::to_vec(&b).unwrap()).unwrap();
    let out = tmp("fhir-invalid.fhir.json");
    let o = zkdx(&["export-fhir", s(&bundle), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!out.exists() && text(&o).contains("not exported"), "{}", text(&o));
    let pdf = tmp("fhir-invalid.pdf");
    let o = zkdx(&["report", s(&bundle), "-o", s(&pdf)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&python(&["tests/pdf_text.py", s(&pdf)]));
    assert!(t.contains("Verdict INVALID") && t.contains("unverified"), "{t}");
}

#[test]
fn proof_times_are_kept_owner_only_for_the_next_estimate() {
    use std::os::unix::fs::PermissionsExt;
    let cache = tmp("timings-cache");
    let out = tmp("timings.zkdx.json");
    let record = "models/examples/diabetes-progression.json";
    let o = zkdx_cached(&["prove", "models/diabetes-progression.onnx", record, "-q", "-o", s(&out)], &cache);
    assert!(o.status.success(), "{}", text(&o));
    let timings = cache.join("timings.json");
    let mode = std::fs::metadata(&timings).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "which models this computer proved with is nobody else's business");
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&timings).unwrap()).unwrap();
    let (key, seconds) = t.as_object().unwrap().iter().next().unwrap();
    assert!(key.ends_with("-coarse") && seconds.as_f64().unwrap() > 0.0, "{t}");
}

#[test]
fn card_init_drafts_a_card_the_schema_accepts_with_categorical_values_and_sign_refuses_it_unfilled() {
    let dir = tmp("card-init");
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("progression.onnx");
    std::fs::copy(root().join("models/diabetes-progression.onnx"), &model).unwrap();
    let o = zkdx(&["card", "init", s(&model), "--data", "models/data/diabetes-progression-test.csv"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("categorical sex (2 values)"), "{}", text(&o));
    let card_path = dir.join("progression.json");
    let card: serde_json::Value = serde_json::from_slice(&std::fs::read(&card_path).unwrap()).unwrap();
    let sex = card["features"].as_array().unwrap().iter().find(|f| f["name"] == "sex").unwrap();
    assert_eq!(sex["allowed"], serde_json::json!([1.0, 2.0]));
    let shipped: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("models/diabetes-progression.json")).unwrap()).unwrap();
    assert_eq!(card["digest"], shipped["digest"]);
    assert!(card["intended_use"].as_str().unwrap().starts_with("FILL IN"));
    // the draft, like the shipped cards, is what docs/model-card.schema.json describes
    let o = python(&[
        "tests/validate_card.py",
        s(&card_path),
        "models/breast-cancer.json",
        "models/diabetes-progression.json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // it is never replaced, and it cannot be endorsed until filled in
    let o = zkdx(&["card", "init", s(&model), "--data", "models/data/diabetes-progression-test.csv"]);
    assert!(!o.status.success() && text(&o).contains("never replaces a card"), "{}", text(&o));
    let key = dir.join("key");
    assert!(zkdx(&["card", "keygen", "--secret-out", s(&key)]).status.success());
    let o = zkdx(&["card", "sign", s(&model), "--secret-file", s(&key)]);
    assert!(!o.status.success() && text(&o).contains("still has `FILL IN` fields"), "{}", text(&o));
    // a model zkDx cannot use is refused with the reason
    let csv = dir.join("three.csv");
    std::fs::write(&csv, "a,b,c\n1,2,3\n2,3,4\n").unwrap();
    let o = zkdx(&["card", "init", "tests/fixtures/no-metadata.onnx", "--data", s(&csv), "-o", s(&dir.join("x.json"))]);
    assert!(!o.status.success() && text(&o).contains("this regression has 2 outputs"), "{}", text(&o));
}

/// Every `FILL IN` text of a draft card, filled in as its publisher would.
fn fill_in(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(t) if t.starts_with("FILL IN") => *t = "Written by the publisher".into(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(fill_in),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(fill_in),
        _ => {}
    }
}

/// README, "Publish your own model": each step as a data scientist runs it.
#[test]
fn publish_your_own_model_from_a_scikit_learn_pipeline_to_a_valid_bundle() {
    let dir = tmp("publish");
    // 1. a trained scikit-learn pipeline, exported by skl2onnx with its defaults
    let o = python(&["tests/sklearn_models.py", s(&dir)]);
    assert!(o.status.success(), "{}", text(&o));
    let model = dir.join("sk-logistic-zipmap.onnx");
    let data = dir.join("sk-logistic-zipmap-data.csv");
    // 2. a draft card from the training data, 3. filled in by the publisher
    let o = zkdx(&["card", "init", s(&model), "--data", s(&data)]);
    assert!(o.status.success(), "{}", text(&o));
    let card_path = dir.join("sk-logistic-zipmap.json");
    let mut card: serde_json::Value = serde_json::from_slice(&std::fs::read(&card_path).unwrap()).unwrap();
    fill_in(&mut card);
    std::fs::write(&card_path, serde_json::to_string_pretty(&card).unwrap()).unwrap();
    // 4. the scale, measured on the data
    let o = zkdx(&["calibrate", s(&model), "--data", s(&data)]);
    assert!(o.status.success(), "{}", text(&o));
    // 5. a publisher key, and the model endorsed with it
    let key = dir.join("publisher.key");
    let o = zkdx(&["card", "keygen", "--secret-out", s(&key)]);
    assert!(o.status.success(), "{}", text(&o));
    let public = text(&o).lines().find_map(|l| l.strip_prefix("public key ")).unwrap().trim().to_string();
    let o = zkdx(&["card", "sign", s(&model), "--secret-file", s(&key)]);
    assert!(o.status.success(), "{}", text(&o));
    // 6. the clinician's trust list names the publisher's key
    let trust = dir.join("trust.json");
    let list = serde_json::json!({
        "format": "zkdx-trust-list", "format_version": 1,
        "publishers": [{"name": "Example hospital, data science", "key": public, "added": "2026-11-26"}],
        "approved": [], "revoked": [],
    });
    std::fs::write(&trust, serde_json::to_string_pretty(&list).unwrap()).unwrap();
    let o = zkdx(&["card", "verify", s(&model), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // 7. a patient proves on a record, 8. the clinician verifies: VALID, by that publisher
    let record = dir.join("record.csv");
    std::fs::write(&record, &one_record_csvs(&dir.join("sk-logistic-zipmap-test.csv"))[0]).unwrap();
    let bundle = dir.join("result.zkdx.json");
    let o = zkdx(&["prove", s(&model), s(&record), "-q", "-o", s(&bundle)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = zkdx(&["verify", s(&bundle), "--model", s(&model), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with("VALID") && text(&o).contains("Example hospital, data science"), "{}", text(&o));
}

#[test]
fn calibrate_measures_each_scale_and_writes_its_choice_into_the_card() {
    let dir = tmp("calibrate");
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("breast-cancer.onnx");
    let card_path = dir.join("breast-cancer.json");
    std::fs::copy(root().join("models/breast-cancer.onnx"), &model).unwrap();
    std::fs::copy(root().join("models/breast-cancer.json"), &card_path).unwrap();
    let data = "models/data/breast-cancer-test.csv";
    // a dry run prints the trade-off and leaves the card alone
    let before = std::fs::read(&card_path).unwrap();
    let o = zkdx(&["calibrate", s(&model), "--data", data, "--dry-run"]);
    assert!(o.status.success(), "{}", text(&o));
    for line in ["2^8 ", "2^12 ", "2^16 ", "2^20 ", "143/143", "bits", "rows", "chosen     2^"] {
        assert!(text(&o).contains(line), "`{line}` in {}", text(&o));
    }
    assert_eq!(std::fs::read(&card_path).unwrap(), before);
    // the choice and what it measured go into the card, whose digest follows the scale
    let o = zkdx(&["calibrate", s(&model), "--data", data, "--tolerance", "0.02"]);
    assert!(o.status.success() && text(&o).contains("sign the card again"), "{}", text(&o));
    let card: serde_json::Value = serde_json::from_slice(&std::fs::read(&card_path).unwrap()).unwrap();
    let bits = card["scale_bits"].as_u64().unwrap();
    assert!((8..=20).contains(&bits), "{card}");
    assert_eq!(card["metrics"]["calibration_records"], 143.0);
    assert_eq!(card["metrics"]["calibration_agreement"], 1.0);
    let digest = text(&zkdx(&["digest", s(&model)]));
    assert_eq!(card["digest"].as_str().unwrap(), digest.trim());
    assert!(text(&zkdx(&["inspect", s(&model)])).contains(&format!("scale      2^{bits} ")));
    // data without the card's features, and a model without a card, are refused with why
    let other = dir.join("other.csv");
    std::fs::write(&other, "a,b\n1,2\n").unwrap();
    let o = zkdx(&["calibrate", s(&model), "--data", s(&other)]);
    assert!(o.status.code() == Some(2) && text(&o).contains("no column named `mean radius`"), "{}", text(&o));
    assert!(text(&o).contains("cannot use the data in"), "a data error is not a card error: {}", text(&o));
    let o = zkdx(&["accuracy", s(&model), "--data", s(&other)]);
    assert!(o.status.code() == Some(2) && !text(&o).contains("model card"), "{}", text(&o));
    let bare = dir.join("bare.onnx");
    std::fs::copy(root().join("tests/fixtures/no-metadata.onnx"), &bare).unwrap();
    let o = zkdx(&["calibrate", s(&bare), "--data", data]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_categorical_value_outside_its_set_is_refused_naming_the_feature_and_its_values() {
    let record = tmp("sex-1.5.json");
    let mut r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("models/examples/diabetes-progression.json")).unwrap())
            .unwrap();
    r["sex"] = 1.5.into();
    std::fs::write(&record, serde_json::to_vec(&r).unwrap()).unwrap();
    let o = zkdx(&["infer", "models/diabetes-progression.onnx", s(&record)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("feature `sex` = 1.5 is not one of its allowed values (1, 2)"), "{}", text(&o));
}

/// The test records of a CSV (header, rows) as one-record CSV texts.
fn one_record_csvs(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    lines.filter(|l| !l.is_empty()).map(|l| format!("{header}\n{l}\n")).collect()
}

#[test]
fn scikit_learn_exports_get_a_card_prove_and_match_onnxruntime_on_every_test_record() {
    use zkdx_model::record::{parse_record, Format};
    let dir = tmp("sklearn");
    let o = python(&["tests/sklearn_models.py", s(&dir)]);
    assert!(o.status.success(), "{}", text(&o));
    for (name, classifier, labels) in [
        ("sk-logistic-zipmap", true, None),
        ("sk-logistic", true, None),
        ("sk-logistic-iris", true, None),
        // LinearSVC: decision scores, no probabilities (binary: one score; three classes)
        ("sk-svc", true, None),
        ("sk-svc-iris", true, None),
        ("sk-ridge", false, None),
        ("sk-mlp-minmax", false, None),
        // torch-style logits (no softmax): a classifier once its classes are named
        ("torch-logits-iris", true, Some("0,1,2")),
        // tree ensembles: random forests (averaged votes; binary with ZipMap, and three
        // classes), gradient boosting (a regressor), a scaler then a forest regressor, and
        // LightGBM by onnxmltools (logistic)
        ("sk-forest", true, None),
        ("sk-forest-iris", true, None),
        ("sk-gbr", false, None),
        ("sk-scaled-forest", false, None),
        ("lgbm", true, None),
        // XGBoost by onnxmltools (BRANCH_LT): binary logistic, and three classes (softmax)
        ("xgb", true, None),
        ("xgb-iris", true, None),
    ] {
        let onnx = dir.join(format!("{name}.onnx"));
        let data = dir.join(format!("{name}-data.csv"));
        if labels.is_some() {
            let o = zkdx(&["card", "init", s(&onnx), "--data", s(&data), "-o", s(&dir.join("unnamed.json"))]);
            assert!(!o.status.success() && text(&o).contains("name its classes with --labels"), "{name}: {}", text(&o));
        }
        let mut init = vec!["card", "init", s(&onnx), "--data", s(&data)];
        init.extend(labels.iter().flat_map(|l| ["--labels", *l]));
        let o = zkdx(&init);
        assert!(o.status.success(), "{name}: {}", text(&o));
        // the scale chosen by measurement on the training data goes into the card
        let o = zkdx(&["calibrate", s(&onnx), "--data", s(&data)]);
        assert!(o.status.success() && text(&o).contains("chosen     2^"), "{name}: {}", text(&o));
        let card: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json"))).unwrap()).unwrap();
        assert!(card["scale_bits"].is_u64() && card["metrics"]["calibration_agreement"].is_f64(), "{name}: {card}");
        // what zkDx lowered and which output it proves, as `zkdx inspect` prints it (the
        // command itself, which also builds every circuit, runs for the first model only)
        let model = zkdx_model::Model::load(&onnx).unwrap();
        let t = model.lowering_notes().join("\n");
        if name == "sk-logistic-zipmap" {
            let printed = text(&zkdx(&["inspect", s(&onnx)]));
            assert!(model.lowering_notes().iter().all(|n| printed.contains(n.as_str())), "{printed}");
        }
        if labels.is_some() {
            // logits: the label is proved as their argmax, and inspect says so
            assert!(t.contains("zkDx proves the label as their argmax"), "{name}: {t}");
        } else if name.starts_with("sk-svc") {
            // decision scores: the label from them, and no probabilities made up
            assert!(t.contains("decision scores are not probabilities") && t.contains("label"), "{name}: {t}");
        } else if classifier {
            // the exporter's ops are lowered by zkDx, and it says which output it proves
            assert!(
                t.contains("zkDx proves its output `probabilit") && t.contains("derives the label from it"),
                "{name}: {t}"
            );
        }
        // a proof of the first test record verifies (a draft card: no publisher approves it)
        let records = one_record_csvs(&dir.join(format!("{name}-test.csv")));
        let first = dir.join(format!("{name}-first.csv"));
        std::fs::write(&first, &records[0]).unwrap();
        let bundle = dir.join(format!("{name}.zkdx.json"));
        let o = zkdx(&["prove", s(&onnx), s(&first), "-q", "-o", s(&bundle)]);
        assert!(o.status.success(), "{name}: {}", text(&o));
        let o = zkdx(&["verify", s(&bundle), "--model", s(&onnx)]);
        assert_eq!(o.status.code(), Some(3), "{name}: {}", text(&o));
        assert!(text(&o).starts_with("VALID PROOF, UNAPPROVED MODEL"), "{name}: {}", text(&o));
        // every test record: the proved (quantised) result against onnxruntime's
        let reference: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{name}-reference.json"))).unwrap()).unwrap();
        let mut worst = 0.0_f64;
        for (i, record) in records.iter().enumerate() {
            let values = parse_record(record.as_bytes(), Some(Format::Csv), &model.schema()).unwrap();
            let d = model.diagnose(&values).unwrap();
            if classifier {
                let label = &model.graph().outputs[d.quantised.label.unwrap()];
                assert_eq!(label, reference["labels"][i].as_str().unwrap(), "{name}, test record {i}");
                // zkDx's float reference (tract, and its own tree evaluation) is onnxruntime's
                let float = &model.graph().outputs[d.float.label.unwrap()];
                assert_eq!(float, reference["labels"][i].as_str().unwrap(), "{name}, test record {i}, float");
            } else {
                let want = reference["scores"][i].as_f64().unwrap();
                worst = worst.max((d.quantised.values[0] - want).abs());
                assert!((d.float.values[0] - want).abs() < 1e-3, "{name}, test record {i}, float");
            }
        }
        assert!(worst < 0.05, "{name}: worst score error {worst} against onnxruntime");
        eprintln!("{name}: {} test records agree with onnxruntime (worst score error {worst:.4})", records.len());
    }
}
