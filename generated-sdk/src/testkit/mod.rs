//! A local WeChat Pay to test against (cargo feature `testkit`).
//!
//! WeChat Pay has no APIv3 sandbox. [`Sandbox`] is one, driven by the spec this crate was
//! generated from, so it covers every operation:
//!
//! - it listens on 127.0.0.1, checks every request's `Authorization` signature with the
//!   merchant's public key (401 `SIGN_ERROR`), and its path, query and body against the spec:
//!   required fields, types, length limits, documented enum values, unknown fields (400
//!   `PARAM_ERROR` with a `detail` naming the field, its value, the issue and where it was);
//!   an upload's signature is checked over its meta part, and its file against the digest the
//!   meta announces (400 `PARAM_ERROR` naming the digest field when they differ);
//! - it answers signed with its own WeChat Pay key, with a `Request-ID`: what the test
//!   registered ([`Sandbox::answer`]), else what the spec's lifecycles say (a recharge applied
//!   for is `RECHARGING` until closed; an unknown one is 404 `NOT_FOUND`; a reused
//!   `out_recharge_no` is refused as documented), else the documented example;
//! - when an instance enters a state that owes a notification (an order paid, a refund
//!   succeeded), it sends that notification to the creating request's `notify_url`, signed and
//!   encrypted as WeChat Pay does, again on the documented schedule (compressed) until answered
//!   2xx, and records each delivery ([`Sandbox::notifications`]);
//! - a control API moves instances from outside the process: `POST /sandbox/v1/state` with
//!   `{"lifecycle": "transaction", "key": "<out_trade_no>", "state": "SUCCESS"}` (404 for an
//!   unknown instance, 400 for a state the lifecycle does not have), and
//!   `GET /sandbox/v1/notifications` lists the deliveries ([`NotificationDelivery`]);
//! - it misbehaves on demand ([`Fault`]: errors, dropped connections, delays, bad signatures,
//!   missing headers, stale timestamps, unknown serials), builds signed and encrypted
//!   notifications ([`Sandbox::notification`]) and records every request ([`Sandbox::requests`]).
//!
//! ```no_run
//! # async fn flow() -> Result<(), Box<dyn std::error::Error>> {
//! use wechatpay_apiv3::testkit::Sandbox;
//!
//! let sandbox = Sandbox::start().await?;
//! let client = sandbox.client()?; // the sandbox's merchant, keys and URL
//! // … call `client` as in production; assert on `sandbox.requests()` …
//! # Ok(()) }
//! ```
//!
//! Its keys ([`keys`]) are published with this crate: never use them anywhere else.

mod answer;
mod control;
mod delivery;
mod error;
mod fault;
pub mod keys;
mod lifecycle;
mod notification;
mod recorded;
mod route;
mod sandbox;
mod server;
mod signed;
mod upload;

pub use answer::Answer;
pub use delivery::{DOCUMENTED_NOTIFICATION_SCHEDULE, NotificationDelivery};
pub use error::TestkitError;
pub use fault::Fault;
pub use notification::{
    NotificationBuilder, NotificationFault, SimulatedNotification, certificate_list,
    encrypt_with_api_v3_key,
};
pub use recorded::{RawResponse, Recorded, parse_authorization};
pub use sandbox::{Sandbox, SandboxBuilder};
pub use signed::sha1_hex;
