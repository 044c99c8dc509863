//! `zkdx`: the command-line face of the zkDx engine, for patients' scripts, clinicians and
//! regulators. Errors are reported with `anyhow` here, at the binary's edge.

mod args;
mod cli;
mod verbs;

use std::process::ExitCode;

use clap::Parser;

/// No panic reaches the user as a Rust backtrace, and a contained one
/// (`zkdx_model::error::contained`) prints nothing of its own. Output cut short by the reader
/// (`zkdx inspect … | head`) ends the process quietly, with the shell's status for a broken
/// pipe; anything else is reported as an internal error to report.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        // a panic inside a dependency that zkDx contains becomes that command's error
        if zkdx_model::error::panic_is_contained() {
            return;
        }
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        eprintln!("error: zkDx hit an internal error ({message}); please report it with the command you ran");
    }));
}

fn main() -> ExitCode {
    quiet_panics();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
