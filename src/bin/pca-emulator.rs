//! `pca-emulator`: a local NAVER Cloud Platform Private CA API for tests and offline use.
//! Thin: flags → [`pca::emulator::serve`]. See `pca-emulator --help`.

use std::process::ExitCode;

use pca::emulator::{Command, config};

fn main() -> ExitCode {
    let command = match config::parse_args(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pca-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let config = match command {
        Command::Help => {
            print!("{}", config::HELP);
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("pca-emulator {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Run(c) => *c,
    };
    // One thread for requests: the certificate and SQLite work runs on tokio's blocking
    // threads (`spawn_blocking`), so requests never wait on it. The package builds tokio
    // without its multi-threaded scheduler, which the provider's start-up pays for.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pca-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pca::emulator::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pca-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
