//! `terraform-provider-pca`: the provider binary Terraform starts.
//!
//! Usage: no arguments (started by Terraform), `--debug` (serve for `TF_REATTACH_PROVIDERS`),
//! or `--version`.

use std::process::ExitCode;

use pca::framework::server::ProviderServer;
use pca::protocol::{ServeOptions, ShutdownHandle};
use pca::provider::PcaProvider;
use tonic::service::Routes;

/// Program name, as shown by `--version` and in messages.
const NAME: &str = "terraform-provider-pca";

/// Source address of this provider (key of `TF_REATTACH_PROVIDERS` in debug mode).
const PROVIDER_ADDRESS: &str = "registry.terraform.io/ncloud-community/pca";

/// The tfplugin6 `Provider` service: the `pca` provider served by the framework's adapter
/// (with 256 MiB message limits). The go-plugin controller, stdio and health services are
/// added by `pca::protocol::serve`.
fn provider_routes(_shutdown: ShutdownHandle) -> Routes {
    Routes::new(ProviderServer::new(PcaProvider).into_service())
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
    let opts = ServeOptions::new(NAME, env!("CARGO_PKG_VERSION"), PROVIDER_ADDRESS)
        .debug(debug)
        .log_targets(["pca", "terraform_provider_pca"]);
    pca::protocol::run(opts, provider_routes)
}
