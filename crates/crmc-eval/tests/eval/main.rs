//! Integration tests of the evaluator: semantics (§5.3), the codec and
//! property tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod codec;
mod fail_closed;
mod fixture;
mod golden;
mod guardrail;
mod history;
mod id_echo;
mod line_limit;
mod loosen;
mod props;
mod sample;
mod semantics;
mod stream_edges;
mod view;
