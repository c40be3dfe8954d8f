//! A shop taking JSAPI payments, as an axum service (`shop.rs`). Run it against the sandbox:
//!
//! ```sh
//! eval "$(cargo run -q --features cli --bin wxpay -- sandbox)"   # in one shell, keep it running
//! cargo run --example jsapi_shop --features axum,basic_payment,refund,bill
//! ```
//!
//! It reads the same `WECHATPAY_*` settings as `wxpay` and listens on `SHOP_ADDRESS`
//! (default `127.0.0.1:3000`); `SHOP_PUBLIC_URL` is where WeChat Pay reaches it (default
//! `http://` + that address). `generated-sdk/tests/example_shop.rs` drives it end to end.

mod shop;

use std::error::Error;

use wechatpay_apiv3::runtime::Client;

fn setting(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set (see `wxpay sandbox`)"))
}

fn file(name: &str) -> Result<Vec<u8>, String> {
    let path = setting(name)?;
    std::fs::read(&path).map_err(|error| format!("{name}: cannot read {path}: {error}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let client = Client::builder()
        .mchid(setting("WECHATPAY_MCHID")?)
        .serial_no(setting("WECHATPAY_SERIAL_NO")?)
        .merchant_key_pem(file("WECHATPAY_PRIVATE_KEY")?)
        .wechatpay_public_key_pem(
            setting("WECHATPAY_PUBLIC_KEY_ID")?,
            file("WECHATPAY_PUBLIC_KEY")?,
        )
        .api_v3_key(file("WECHATPAY_API_V3_KEY_FILE")?)
        .main_base_url(
            setting("WECHATPAY_BASE_URL")
                .unwrap_or_else(|_| "https://api.mch.weixin.qq.com".to_owned()),
        )
        .build()?;
    let address = std::env::var("SHOP_ADDRESS").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let public_url =
        std::env::var("SHOP_PUBLIC_URL").unwrap_or_else(|_| format!("http://{address}"));
    let settings = shop::Settings {
        appid: std::env::var("SHOP_APPID").unwrap_or_else(|_| "wxd678efh567hg6787".to_owned()),
        mchid: setting("WECHATPAY_MCHID")?,
        public_url,
    };
    let listener = tokio::net::TcpListener::bind(&address).await?;
    eprintln!("jsapi_shop listening on {address}");
    axum::serve(listener, shop::router(shop::Shop::new(client, settings))).await?;
    Ok(())
}
