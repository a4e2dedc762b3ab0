//! `terraform-provider-pca`: the provider binary Terraform starts.
//!
//! Usage: no arguments (started by Terraform), `--debug` (serve for `TF_REATTACH_PROVIDERS`),
//! or `--version`.

use std::process::ExitCode;

use pca::protocol::{ServeOptions, ShutdownHandle};
use tonic::service::Routes;

/// Program name, as shown by `--version` and in messages.
const NAME: &str = "terraform-provider-pca";

/// Source address of this provider (key of `TF_REATTACH_PROVIDERS` in debug mode).
const PROVIDER_ADDRESS: &str = "registry.terraform.io/ncloud-community/pca";

/// The tfplugin6 `Provider` service routes.
///
/// **FRAMEWORK: the single place where the `tfplugin6.Provider` service is plugged in.**
///
/// Return `Routes::new(ProviderServer::new(..).max_decoding_message_size(MAX_MESSAGE_SIZE)
/// .max_encoding_message_size(MAX_MESSAGE_SIZE))`; the go-plugin controller, stdio and health
/// services are added by `pca::protocol::serve`. `shutdown` ends the process when triggered
/// and can be awaited to notice shutdown.
fn provider_routes(_shutdown: ShutdownHandle) -> Routes {
    Routes::default()
}

fn main() -> ExitCode {
    let mut debug = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--debug" | "-debug") => debug = true,
            Some("--version" | "-version" | "version") => {
                println!("{NAME} {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            Some("--help" | "-help" | "-h") => {
                eprintln!(
                    "usage: {NAME} [--debug | --version]\n\n\
                     Terraform starts this provider by itself. `--debug` serves it for\n\
                     TF_REATTACH_PROVIDERS; `--version` prints the version."
                );
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("{NAME}: unknown argument {arg:?} (expected --debug or --version)");
                return ExitCode::from(2);
            }
        }
    }
    let opts = ServeOptions::new(NAME, env!("CARGO_PKG_VERSION"), PROVIDER_ADDRESS).debug(debug);
    pca::protocol::run(opts, provider_routes)
}
