//! The `wxpay` command-line tool (cargo feature `cli`). Its operation table is generated from the
//! spec (`crate::api::schema`); this module reads arguments, checks request JSON against the table,
//! and maps outcomes to exit statuses.

mod app;
mod failure;
mod sandbox;

pub use crate::runtime::dispatch::{
    Call, Dispatch, Generated, Input, Progress, decode, encode, expected_sha1, unknown_operation,
    upload_file,
};
pub use app::main;
