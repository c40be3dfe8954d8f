//! Names the document fixes: where it goes, its version, its security scheme and its own
//! schemas (no dot, so they never clash with a service's `<service>.<Type>`).

/// Where the document goes in the output.
pub const PATH: &str = "generated-sdk/openapi.json";

pub const OPENAPI_VERSION: &str = "3.1.0";
pub const SECURITY_SCHEME: &str = "WechatPay2";
pub const ERROR_BODY: &str = "ErrorBody";
pub const ENVELOPE: &str = "NotificationEnvelope";
pub const ENCRYPTED_RESOURCE: &str = "EncryptedResource";
/// The headers WeChat Pay signs every answer and every notification with.
pub const SIGNATURE_HEADERS: [(&str, &str); 4] = [
    ("Wechatpay-Timestamp", "微信支付签名的时间戳 (Unix 秒)"),
    ("Wechatpay-Nonce", "微信支付签名的随机串"),
    ("Wechatpay-Signature", "微信支付的签名值 (Base64)"),
    (
        "Wechatpay-Serial",
        "签名所用的微信支付公钥ID (PUB_KEY_ID_…) 或平台证书序列号",
    ),
];
