//! Compiles our own `proto/` files with protox (pure Rust, no system `protoc`) and generates
//! tonic server and client stubs.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = ["tfplugin6.proto", "plugin.proto"];
    for f in files {
        println!("cargo:rerun-if-changed=proto/{f}");
    }
    let fds = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .generate_default_stubs(true)
        .type_attribute(".", "#[allow(clippy::all, missing_docs, unreachable_pub)]")
        .compile_fds(fds)?;
    Ok(())
}
