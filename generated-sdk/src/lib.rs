//! A typed async client for the WeChat Pay APIv3 (微信支付 APIv3), generated from the YAML spec
//! in the `spec/` folder of its repository.
//!
//! - [`api`] is generated: one module per service (each behind its cargo feature) with models,
//!   enums that keep unknown values, request types whose required fields are named at the call
//!   site, and a client facade whose methods document their path and full error table. The
//!   services are compiled in a few crates of their own (`wechatpay-apiv3-payments`, …, grouped
//!   as `spec/api.yaml` says), so cargo builds them side by side; this crate re-exports each
//!   enabled one, and [`Services`] gives the [`Client`](runtime::Client) one accessor per
//!   service: `client.basic_payment().jsapi_prepay(&request)`.
//! - [`runtime`] (the crate `wechatpay-apiv3-runtime`) is written by hand: the [`Client`](runtime::Client) that signs every request,
//!   verifies every answer, retries what is safe and fails over to the backup host; the
//!   [`Transport`](runtime::Transport) boundary; the error type; percent-encoding and local
//!   validation. It knows nothing of any endpoint.
//! - [`testkit`] (cargo feature `testkit`) is a local WeChat Pay driven by the spec, for tests.
#![deny(missing_docs, warnings)]

// Generated code is formatted by prettyplease when it is written; rustfmt would reformat it
// differently and `cargo xtask gen --check` would then report every file as stale.
#[rustfmt::skip]
pub mod api;
pub use wechatpay_apiv3_runtime as runtime;

/// The `wxpay` command-line tool (cargo feature `cli`).
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(any(feature = "cli", feature = "testkit"))]
pub mod schema;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use api::Services;
pub use runtime::Error;
