//! Tauri's build step: embeds the config, capabilities and `ui/`, and declares zkDx's own
//! commands so that the window's capability must grant each one by name.

const COMMANDS: &[&str] = &[
    "list_models",
    "diagnose",
    "load_record",
    "pick_file",
    "prove",
    "cancel_prove",
    "new_challenge",
    "save_bundle",
    "verify_bundle",
    "export_bundle",
    "trust_list",
    "choose_trust_list",
    "inspect_model",
    "app_status",
    "history",
    "history_export",
    "history_verify",
    "history_delete",
    "check_record",
    "compare_with_bundle",
];

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
