//! Tauri's build step: embeds the config, capabilities and `ui/`.
fn main() {
    tauri_build::build()
}
