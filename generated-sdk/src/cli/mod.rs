//! The `wxpay` command-line tool (cargo feature `cli`). Its operation table is generated from the
//! spec (`crate::api::schema`); this module reads arguments, checks request JSON against the table,
//! and maps outcomes to exit statuses.

mod app;
mod failure;
mod sandbox;

// What the generated dispatch (`crate::api::cli`) and the tool's callers name; the rest of the
// plumbing is the runtime's `dispatch`.
pub use crate::runtime::dispatch::{Call, Generated, Input};
pub use app::main;
