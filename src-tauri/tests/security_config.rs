//! The app's security configuration, checked: a strict CSP with no remote origin, a
//! capability that grants only zkDx's own commands and event listening, and a front end
//! that loads nothing from the network. Adding a remote origin or a broad permission fails
//! this test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn csp_allows_no_remote_origin() {
    let conf = json(dir().join("tauri.conf.json"));
    let csp = conf["app"]["security"]["csp"].as_str().expect("a CSP is set");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    for directive in csp.split(';') {
        for source in directive.split_whitespace().skip(1) {
            let allowed =
                source.starts_with('\'') || source == "ipc:" || source == "http://ipc.localhost" || source == "data:";
            assert!(allowed, "CSP source `{source}` in `{directive}` is not allowed");
        }
    }
    assert_eq!(conf["app"]["security"]["dangerousDisableAssetCspModification"], serde_json::Value::Null);
}

#[test]
fn capability_grants_only_what_the_ui_calls() {
    let cap = json(dir().join("capabilities/default.json"));
    let mut seen = 0;
    for p in cap["permissions"].as_array().unwrap() {
        let p = p.as_str().expect("plain permission names, no scopes");
        let ok = p == "core:event:allow-listen"
            || p == "core:event:allow-unlisten"
            || (p.starts_with("allow-") && !p.contains(':'));
        assert!(ok, "permission `{p}` is broader than the UI needs");
        seen += 1;
    }
    assert!(seen > 0);
    let caps: Vec<_> = std::fs::read_dir(dir().join("capabilities")).unwrap().collect();
    assert_eq!(caps.len(), 1, "one capability file");
    let manifest = std::fs::read_to_string(dir().join("Cargo.toml")).unwrap();
    for plugin in
        ["tauri-plugin-http", "tauri-plugin-shell", "tauri-plugin-fs", "tauri-plugin-updater", "tauri-plugin-websocket"]
    {
        assert!(!manifest.contains(plugin), "{plugin} must not be a dependency");
    }
}

#[test]
fn front_end_loads_nothing_remote() {
    // every file of the front end, its modules' folder (ui/js/) included
    let mut files = Vec::new();
    let mut folders = vec![dir().join("../ui")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.iter().any(|p| p.ends_with("js/main.js")), "the modules were read");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for needle in
            ["http://", "https://", "//cdn", "@import url", "fetch(", "XMLHttpRequest", "WebSocket", "EventSource"]
        {
            let hits: Vec<&str> =
                text.lines().filter(|l| l.contains(needle) && !l.contains("http://ipc.localhost")).collect();
            assert!(hits.is_empty(), "{}: `{needle}` in {hits:?}", path.display());
        }
    }
}
