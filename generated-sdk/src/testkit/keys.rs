//! The sandbox's fixed identities and keys. They are published with this crate and protect
//! nothing: a client configured with them can only ever talk to a sandbox.

/// The merchant id (商户号) the sandbox expects in `Authorization`.
pub const MCHID: &str = "1900000001";
/// The serial of the merchant's API certificate (商户API证书序列号).
pub const SERIAL_NO: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
/// The id of the sandbox's WeChat Pay public key (微信支付公钥ID); answers name it in
/// `Wechatpay-Serial` unless told otherwise.
pub const PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0119000000012024000000000000000001";
/// The APIv3 key (APIv3密钥) notifications and certificates are encrypted with.
pub const API_V3_KEY: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
/// The serial of [`CERTIFICATE`], the sandbox's platform certificate (平台证书).
pub const CERTIFICATE_SERIAL: &str = "7132D72A03E93CDDF8C03BBD1F37EEDF39ED3E7C";

/// The merchant API private key (PKCS#8 PEM) a client signs with.
pub const MERCHANT_PRIVATE_KEY: &[u8] = include_bytes!("keys/merchant_pkcs8.pem");
/// The same key in PKCS#1 form (`BEGIN RSA PRIVATE KEY`).
pub const MERCHANT_PRIVATE_KEY_PKCS1: &[u8] = include_bytes!("keys/merchant_pkcs1.pem");
/// The merchant's public key: what the sandbox checks request signatures with.
pub const MERCHANT_PUBLIC_KEY: &[u8] = include_bytes!("keys/merchant_public.pem");
/// The sandbox's WeChat Pay private key: it signs answers and notifications.
pub const WECHATPAY_PRIVATE_KEY: &[u8] = include_bytes!("keys/wechatpay_private.pem");
/// The sandbox's WeChat Pay public key (微信支付公钥), under [`PUBLIC_KEY_ID`].
pub const WECHATPAY_PUBLIC_KEY: &[u8] = include_bytes!("keys/wechatpay_public.pem");
/// A self-signed certificate of the WeChat Pay public key, valid for 100 years, served by the
/// certificate download (`GET /v3/certificates`) under [`CERTIFICATE_SERIAL`].
pub const CERTIFICATE: &[u8] = include_bytes!("keys/wechatpay_certificate.pem");
