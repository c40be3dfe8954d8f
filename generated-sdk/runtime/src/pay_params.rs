//! What the front end needs to pay after a prepay call: the signed parameters of the JSAPI /
//! mini-program `wx.requestPayment` call and of the APP SDK's `PayReq`, built as WeChat Pay
//! documents them (调起支付) and signed with the merchant private key (SHA256withRSA).
//!
//! The server builds them: the private key never leaves it, and the front end passes them on
//! unchanged.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use super::client::Client;
use super::error::Error;
use super::keys::MerchantKey;
use super::sign::nonce;

/// The parameters of `wx.requestPayment` (JSAPI and mini-programs), with the wire names the
/// front end passes on as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsapiPayParams {
    /// The AppID the prepay was made for.
    pub app_id: String,
    /// Unix seconds, as a string.
    pub time_stamp: String,
    /// A fresh random string.
    pub nonce_str: String,
    /// `prepay_id=…`.
    pub package: String,
    /// Always `RSA`.
    pub sign_type: String,
    /// Base64 SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n`.
    pub pay_sign: String,
}

/// The parameters of the APP SDK's `PayReq`, with the SDK's (lower-case) names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPayParams {
    /// The mobile application's AppID.
    pub appid: String,
    /// The merchant id (商户号).
    pub partnerid: String,
    /// The prepay id.
    pub prepayid: String,
    /// Always `Sign=WXPay`.
    pub package: String,
    /// A fresh random string.
    pub noncestr: String,
    /// Unix seconds, as a string.
    pub timestamp: String,
    /// Base64 SHA256withRSA over `appid\ntimestamp\nnoncestr\nprepayid\n`.
    pub sign: String,
}

impl JsapiPayParams {
    /// The parameters for `prepay_id`, signed at `timestamp` with `nonce_str` (for tests and
    /// for callers with their own clock; [`Client::jsapi_pay_params`] picks both).
    pub fn sign(
        key: &MerchantKey,
        app_id: &str,
        prepay_id: &str,
        timestamp: i64,
        nonce_str: &str,
    ) -> Result<Self, Error> {
        let time_stamp = timestamp.to_string();
        let package = format!("prepay_id={prepay_id}");
        let message = lines(&[app_id, &time_stamp, nonce_str, &package]);
        Ok(JsapiPayParams {
            app_id: app_id.to_owned(),
            time_stamp,
            nonce_str: nonce_str.to_owned(),
            package,
            sign_type: "RSA".to_owned(),
            pay_sign: BASE64.encode(key.sign(message.as_bytes())?),
        })
    }
}

impl AppPayParams {
    /// The parameters for `prepay_id`, signed at `timestamp` with `nonce_str`.
    pub fn sign(
        key: &MerchantKey,
        app_id: &str,
        mchid: &str,
        prepay_id: &str,
        timestamp: i64,
        nonce_str: &str,
    ) -> Result<Self, Error> {
        let timestamp = timestamp.to_string();
        let message = lines(&[app_id, &timestamp, nonce_str, prepay_id]);
        Ok(AppPayParams {
            appid: app_id.to_owned(),
            partnerid: mchid.to_owned(),
            prepayid: prepay_id.to_owned(),
            package: "Sign=WXPay".to_owned(),
            noncestr: nonce_str.to_owned(),
            timestamp,
            sign: BASE64.encode(key.sign(message.as_bytes())?),
        })
    }
}

impl Client {
    /// `wx.requestPayment` parameters for a JSAPI or mini-program prepay, signed now with a
    /// fresh nonce.
    pub fn jsapi_pay_params(&self, app_id: &str, prepay_id: &str) -> Result<JsapiPayParams, Error> {
        JsapiPayParams::sign(
            self.merchant_key(),
            app_id,
            prepay_id,
            self.now(),
            &nonce()?,
        )
    }

    /// APP SDK `PayReq` parameters for an APP prepay, signed now with a fresh nonce; the
    /// partner id is this client's merchant id.
    pub fn app_pay_params(&self, app_id: &str, prepay_id: &str) -> Result<AppPayParams, Error> {
        AppPayParams::sign(
            self.merchant_key(),
            app_id,
            self.mchid(),
            prepay_id,
            self.now(),
            &nonce()?,
        )
    }
}

/// Each line followed by `\n`, the last one too, as every WeChat Pay signing string.
fn lines(parts: &[&str]) -> String {
    parts.iter().map(|part| format!("{part}\n")).collect()
}
