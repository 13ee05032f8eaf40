//! raftlab for Rust: write a Raft peer as a Rust type and load it into
//! `labtest` as a C-ABI plugin (include/raftlab/raftlab.h).
//!
//! - [`Host`]: the services of one peer: `call` (labrpc RPC), `apply_command`
//!   / `apply_snapshot` (MIT's applyCh), the Persister (`save`,
//!   `read_state`, `read_snapshot`, `state_size`), `log`, `random_u64`,
//!   `now_ns`, `sleep_ns`, `killed`.
//! - [`Mutex`], [`Condvar`], [`spawn`]: locks, condition variables and
//!   threads made through the host, so the harness can schedule them.
//! - [`Encoder`], [`Decoder`]: a byte codec for RPC messages and state.
//! - [`Raft`] and [`export_raft!`]: your peer's interface, and the entry
//!   point that forwards the harness's calls to it, catching every panic at
//!   the boundary (panic.rs says what a panic becomes).
//!
//! Peers of one cluster live in ONE process, each in its own copy of your
//! library: statics are private to one peer and do not survive a crash,
//! but peers must still share nothing except RPCs.
pub mod codec;
pub mod ffi;
pub mod glue;
pub mod host;
pub mod panic;
pub mod sync;
pub mod thread;

pub use codec::{Decoder, Encoder};
pub use glue::{Raft, RpcError, StartResult};
pub use host::{Host, Level, MILLISECOND};
pub use sync::{Condvar, Mutex, MutexGuard};
pub use thread::{spawn, JoinHandle};
