//! `wxpay sandbox`: the test kit's sandbox as a process, for trying the tool or a client in
//! another language against a local WeChat Pay.

use std::path::PathBuf;

use clap::ArgMatches;

use super::failure::Failure;
use crate::testkit::{Recorded, Sandbox, keys};

/// Starts the sandbox, writes its key files, prints the settings `wxpay` (or any client) needs
/// as shell exports, then serves until the process is stopped, one line per request on stderr.
pub(super) fn serve(matches: &ArgMatches) -> Result<(), Failure> {
    let port = matches.get_one::<u16>("port").copied().unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::local(format!("cannot start the async runtime: {error}")))?;
    runtime.block_on(async {
        let sandbox = Sandbox::builder()
            .port(port)
            .on_request(log)
            .start()
            .await
            .map_err(|error| Failure::local(error.to_string()))?;
        let dir = match matches.get_one::<String>("keys-dir") {
            Some(dir) => PathBuf::from(dir),
            None => {
                std::env::temp_dir().join(format!("wxpay-sandbox-{}", sandbox.address().port()))
            }
        };
        let files = write_keys(&dir)?;
        println!("# wxpay sandbox listening on {}", sandbox.url());
        println!("# Its keys are public test keys: never use them for real money.");
        println!(
            "# Control API: POST {0}/sandbox/v1/state {{\"lifecycle\", \"key\", \"state\"}} moves an order, a refund, ...; GET {0}/sandbox/v1/notifications lists the notifications sent.",
            sandbox.url()
        );
        println!("export WECHATPAY_BASE_URL={}", sandbox.url());
        println!("export WECHATPAY_MCHID={}", keys::MCHID);
        println!("export WECHATPAY_SERIAL_NO={}", keys::SERIAL_NO);
        println!(
            "export WECHATPAY_PRIVATE_KEY={}",
            files.private_key.display()
        );
        println!("export WECHATPAY_PUBLIC_KEY_ID={}", keys::PUBLIC_KEY_ID);
        println!("export WECHATPAY_PUBLIC_KEY={}", files.public_key.display());
        println!(
            "export WECHATPAY_API_V3_KEY_FILE={}",
            files.api_v3_key.display()
        );
        std::future::pending::<()>().await;
        Ok(())
    })
}

struct KeyFiles {
    private_key: PathBuf,
    public_key: PathBuf,
    api_v3_key: PathBuf,
}

fn write_keys(dir: &std::path::Path) -> Result<KeyFiles, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|error| Failure::local(format!("cannot create {}: {error}", dir.display())))?;
    let files = KeyFiles {
        private_key: dir.join("merchant_private_key.pem"),
        public_key: dir.join("wechatpay_public_key.pem"),
        api_v3_key: dir.join("api_v3_key.txt"),
    };
    for (path, contents) in [
        (&files.private_key, keys::MERCHANT_PRIVATE_KEY),
        (&files.public_key, keys::WECHATPAY_PUBLIC_KEY),
        (&files.api_v3_key, keys::API_V3_KEY.as_slice()),
    ] {
        std::fs::write(path, contents)
            .map_err(|error| Failure::local(format!("cannot write {}: {error}", path.display())))?;
    }
    Ok(files)
}

fn log(request: &Recorded) {
    let status = request
        .status
        .map_or_else(|| "dropped".to_owned(), |status| status.to_string());
    let operation = request.operation.map_or_else(
        || "no operation".to_owned(),
        |info| format!("{} {}", info.service, info.id),
    );
    eprintln!(
        "{} {} -> {status} ({operation})",
        request.method, request.path_and_query
    );
}
