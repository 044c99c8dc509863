//! The zkDx desktop app: a thin layer of Tauri commands over the engine crates. Every
//! computation (reading records, diagnosing, proving, verifying, digests) is the engine's;
//! this crate only adds windows, dialogs and progress events.

mod commands;
mod history;
mod keys;
mod models;
mod settings;
mod state;

use tauri::Manager;

/// Start the app.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let data_dir = match std::env::var_os("ZKDX_DATA_DIR") {
                Some(d) => std::path::PathBuf::from(d),
                None => app.path().app_data_dir()?,
            };
            models::find_models_dir(app.path().resource_dir().ok());
            app.manage(state::AppState::new(data_dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_models,
            commands::patient::diagnose,
            commands::patient::load_record,
            commands::pick_file,
            commands::patient::prove,
            commands::patient::cancel_prove,
            commands::clinician::new_challenge,
            commands::patient::save_bundle,
            commands::clinician::verify_bundle,
            commands::clinician::export_bundle,
            commands::clinician::trust_list,
            commands::clinician::choose_trust_list,
            commands::regulator::inspect_model,
            commands::app_status,
            commands::patient::history,
            commands::patient::history_export,
            commands::patient::history_verify,
            commands::patient::history_delete,
            commands::clinician::check_record,
            commands::regulator::compare_with_bundle,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("zkDx could not start: {e}");
        std::process::exit(1);
    }
}
