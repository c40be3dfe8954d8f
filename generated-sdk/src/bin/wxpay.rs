//! `wxpay`: call any WeChat Pay APIv3 operation of the spec from the command line.

fn main() -> std::process::ExitCode {
    wechatpay_apiv3::cli::main(&wechatpay_apiv3::api::cli::GENERATED)
}
