//! A typed async client for the WeChat Pay APIv3 (微信支付 APIv3), generated from the YAML spec
//! in the `spec/` folder of its repository.
//!
//! - [`api`] is generated: one module per service (each behind its cargo feature) with models,
//!   enums that keep unknown values, request types whose required fields are constructor
//!   arguments, and a client facade whose methods document their path and full error table.
//! - [`runtime`] is written by hand: the [`Client`](runtime::Client) that signs every request,
//!   verifies every answer, retries what is safe and fails over to the backup host; the
//!   [`Transport`](runtime::Transport) boundary; the error type; percent-encoding and local
//!   validation. It knows nothing of any endpoint.
//! - [`testkit`] (cargo feature `testkit`) is a local WeChat Pay driven by the spec, for tests.
#![deny(missing_docs, warnings)]

// Generated code is formatted by prettyplease when it is written; rustfmt would reformat it
// differently and `cargo xtask gen --check` would then report every file as stale.
#[rustfmt::skip]
pub mod api;
pub mod runtime;

/// The `wxpay` command-line tool (cargo feature `cli`).
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(any(feature = "cli", feature = "testkit"))]
pub mod schema;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use runtime::Error;
