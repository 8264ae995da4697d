//! `runstate`: see `runstate --help`.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Two rustls crypto providers are linked (aws-lc-rs and ring): pick one
    // before anything builds a TLS configuration.
    jobs::outbound::install_crypto_provider();
    let cli = server::config::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("runstate: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
