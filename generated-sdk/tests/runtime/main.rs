//! The hand-written runtime: signing known answers, client construction, and end-to-end calls
//! against a local server that checks and signs like WeChat Pay.

#[cfg(feature = "axum")]
mod axum_adapter;
mod certificates;
#[cfg(feature = "cli")]
mod cli;
mod construction;
mod download;
mod end_to_end;
#[cfg(all(
    feature = "basic_payment",
    feature = "refund",
    feature = "mch_transfer"
))]
mod flow_lifecycles;
mod flow_notifications;
mod global;
mod limits;
mod load;
mod notifications;
mod outcomes;
mod pay_params;
mod properties;
mod query_arrays;
mod resilience;
mod rules;
mod sandbox;
mod sandbox_checks;
mod signing;
mod support;
mod uploads;
