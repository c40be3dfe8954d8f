//! The hand-written runtime that generated operations call. It knows nothing of any endpoint:
//! everything endpoint-specific comes from the generated service crates, which reach it as
//! `crate::runtime`; applications reach it as `wechatpay_apiv3::runtime`.

#![deny(missing_docs)]

#[cfg(feature = "axum")]
mod axum;
mod builder;
mod call;
mod certificates;
mod client;
mod clock;
mod crypto;
mod decimal;
mod decode;
#[cfg(feature = "cli")]
pub mod dispatch;
mod download;
mod encode;
mod error;
mod failover;
mod http;
mod keyring;
mod keys;
mod notify;
mod object;
mod pay_params;
#[cfg(feature = "cli")]
mod progress;
mod retry;
pub mod rules;
mod send;
mod sensitive;
pub mod sign;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod transport;
mod upload;
mod validate;
pub mod verify;

#[cfg(feature = "axum")]
pub use axum::WechatPayNotification;
pub use builder::ClientBuilder;
pub use call::Call;
pub use certificates::{CertificateSource, EncryptedCertificate, parse_certificate};
pub use client::Client;
pub use clock::{Clock, SystemClock};
pub use crypto::ApiV3Key;
pub use decimal::{Decimal, NotANumber};
pub use decode::{decode_empty, decode_json, decode_json_object, encode_json, encode_json_object};
pub use download::{query_asks, request_from_download_url};
pub use encode::PathAndQuery;
pub use error::{ApiError, Error, ErrorDetail, TransportErrorKind, ValidationError};
pub use keyring::{KeyKind, KeyRing, VerifyingKey};
pub use keys::{MerchantKey, WechatPayPublicKey};
pub use notify::{
    EncryptedResource, Envelope, HeaderSource, Notification, NotificationEvent, NotificationReply,
    open_notification,
};
pub use object::{Fields, Members, ModeAttempt, Object, decode_mode, decode_object, encode_object};
pub use pay_params::{AppPayParams, JsapiPayParams};
pub use retry::RetryPolicy;
pub use sensitive::{EncryptSensitive, SensitiveEncryptor};
pub use transport::{
    ApiRequest, ApiResponse, DownloadCheck, DownloadIntegrity, Downloaded, Method, OperationInfo,
    Transport,
};
pub use upload::{DigestAlgorithm, Upload, UploadFile, UploadRules, prepare_upload};
pub use validate::{Documented, Validate, check_enum, check_length, check_time_length, field_path};

/// An RFC 3339 time that keeps the offset WeChat Pay sent (`2015-05-20T13:29:35+08:00`).
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;
