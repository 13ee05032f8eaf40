//! The C ABI of `include/raftlab/raftlab.h`, ABI 1.0, as `#[repr(C)]`
//! mirrors. Field order and types follow the header exactly; the layout
//! test (`cargo test`, tests/languages/) checks every offset against the
//! numbers `tests/abi/abi_layout_check.c` freezes for C.
//!
//! Only the glue in this crate touches these; students use `Host`,
//! `Mutex`, `Condvar`, `spawn` and the `Raft` trait instead.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_void};

pub const RAFTLAB_ABI_MAJOR: u32 = 1;
pub const RAFTLAB_ABI_MINOR: u32 = 1;
/// raftlab_plugin.flags: the plugin uses only the host's threads, locks,
/// condition variables, clock and sleep (labtest --sim can run it).
pub const RAFTLAB_PLUGIN_HOST_THREADS_ONLY: u64 = 1;

pub const RAFTLAB_OK: i32 = 0;
pub const RAFTLAB_ERR_UNKNOWN_METHOD: i32 = 5;
pub const RAFTLAB_ERR_KILLED: i32 = 6;
pub const RAFTLAB_ERR_INTERNAL: i32 = 7;

pub const RAFTLAB_APPLY_COMMAND: i32 = 1;
pub const RAFTLAB_APPLY_SNAPSHOT: i32 = 2;

/// A byte sink: the receiver of a call appends variable-size output.
/// Valid only during the call it was passed to.
#[repr(C)]
pub struct raftlab_sink {
    pub ctx: *mut c_void,
    pub write: unsafe extern "C" fn(this: *mut raftlab_sink, data: *const u8, len: usize),
}

#[repr(C)]
pub struct raftlab_apply_msg {
    pub struct_size: u32,
    pub kind: i32,
    pub index: i64,
    pub term: i64,
    pub data: *const u8,
    pub len: usize,
}

// Opaque handles, owned by the side that made them.
#[repr(C)]
pub struct raftlab_thread {
    _private: [u8; 0],
}
#[repr(C)]
pub struct raftlab_mutex {
    _private: [u8; 0],
}
#[repr(C)]
pub struct raftlab_cond {
    _private: [u8; 0],
}
#[repr(C)]
pub struct raftlab_raft {
    _private: [u8; 0],
}

type H = *const raftlab_host;

/// The services the harness gives one instance. Owned by the harness; valid
/// from make() until the instance's destroy() returns. Every function
/// pointer is non-NULL (raftlab.h promises it).
#[repr(C)]
pub struct raftlab_host {
    pub struct_size: u32,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub reserved: u32,
    pub host_ctx: *mut c_void,
    pub call:
        unsafe extern "C" fn(H, i32, *const c_char, *const u8, usize, *mut raftlab_sink) -> i32,
    pub apply: unsafe extern "C" fn(H, *const raftlab_apply_msg) -> i32,
    pub persist_save: unsafe extern "C" fn(H, *const u8, usize, *const u8, usize),
    pub persist_read_state: unsafe extern "C" fn(H, *mut raftlab_sink),
    pub persist_read_snapshot: unsafe extern "C" fn(H, *mut raftlab_sink),
    pub persist_state_size: unsafe extern "C" fn(H) -> usize,
    pub persist_snapshot_size: unsafe extern "C" fn(H) -> usize,
    pub log: unsafe extern "C" fn(H, i32, *const c_char),
    pub random_u64: unsafe extern "C" fn(H) -> u64,
    pub now_ns: unsafe extern "C" fn(H) -> i64,
    pub sleep_ns: unsafe extern "C" fn(H, i64),
    pub thread_start: unsafe extern "C" fn(
        H,
        *const c_char,
        unsafe extern "C" fn(*mut c_void),
        *mut c_void,
    ) -> *mut raftlab_thread,
    pub thread_join: unsafe extern "C" fn(H, *mut raftlab_thread),
    pub mutex_new: unsafe extern "C" fn(H) -> *mut raftlab_mutex,
    pub mutex_free: unsafe extern "C" fn(H, *mut raftlab_mutex),
    pub mutex_lock: unsafe extern "C" fn(H, *mut raftlab_mutex),
    pub mutex_unlock: unsafe extern "C" fn(H, *mut raftlab_mutex),
    pub cond_new: unsafe extern "C" fn(H) -> *mut raftlab_cond,
    pub cond_free: unsafe extern "C" fn(H, *mut raftlab_cond),
    pub cond_wait: unsafe extern "C" fn(H, *mut raftlab_cond, *mut raftlab_mutex),
    pub cond_wait_until: unsafe extern "C" fn(H, *mut raftlab_cond, *mut raftlab_mutex, i64) -> i32,
    pub cond_notify_one: unsafe extern "C" fn(H, *mut raftlab_cond),
    pub cond_notify_all: unsafe extern "C" fn(H, *mut raftlab_cond),
    pub killed: unsafe extern "C" fn(H) -> i32,
}

type R = *mut raftlab_raft;

/// The plugin's table of the required Raft interface (parts 1-4).
#[repr(C)]
pub struct raftlab_plugin {
    pub struct_size: u32,
    pub abi_major: u32,
    pub abi_minor: u32,
    pub reserved: u32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub make: unsafe extern "C" fn(H, i32, i32) -> R,
    pub start: unsafe extern "C" fn(R, *const u8, usize, *mut i64, *mut i64, *mut i32),
    pub get_state: unsafe extern "C" fn(R, *mut i64, *mut i32),
    pub handle_rpc:
        unsafe extern "C" fn(R, *const c_char, *const u8, usize, *mut raftlab_sink) -> i32,
    pub snapshot: unsafe extern "C" fn(R, i64, *const u8, usize),
    pub persist_bytes: unsafe extern "C" fn(R) -> i64,
    pub kill: unsafe extern "C" fn(R),
    pub destroy: unsafe extern "C" fn(R),
    pub get_extension: unsafe extern "C" fn(*const c_char) -> *const c_void,
    /// Since ABI 1.1: RAFTLAB_PLUGIN_* promises.
    pub flags: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{size_of, MaybeUninit};
    use std::ptr::addr_of;

    // Offsets as tests/abi/abi_layout_check.c freezes them for LP64 C.
    macro_rules! offset {
        ($ty:ty, $field:ident) => {{
            let u = MaybeUninit::<$ty>::uninit();
            let base = u.as_ptr();
            // SAFETY: addr_of! on a field of an uninitialised value reads nothing.
            let field = unsafe { addr_of!((*base).$field) };
            field as usize - base as usize
        }};
    }

    #[test]
    fn host_layout_matches_raftlab_h() {
        let want: &[(&str, usize, usize)] = &[
            ("abi_major", offset!(raftlab_host, abi_major), 4),
            ("abi_minor", offset!(raftlab_host, abi_minor), 8),
            ("host_ctx", offset!(raftlab_host, host_ctx), 16),
            ("call", offset!(raftlab_host, call), 24),
            ("apply", offset!(raftlab_host, apply), 32),
            ("persist_save", offset!(raftlab_host, persist_save), 40),
            (
                "persist_read_state",
                offset!(raftlab_host, persist_read_state),
                48,
            ),
            (
                "persist_read_snapshot",
                offset!(raftlab_host, persist_read_snapshot),
                56,
            ),
            (
                "persist_state_size",
                offset!(raftlab_host, persist_state_size),
                64,
            ),
            (
                "persist_snapshot_size",
                offset!(raftlab_host, persist_snapshot_size),
                72,
            ),
            ("log", offset!(raftlab_host, log), 80),
            ("random_u64", offset!(raftlab_host, random_u64), 88),
            ("now_ns", offset!(raftlab_host, now_ns), 96),
            ("sleep_ns", offset!(raftlab_host, sleep_ns), 104),
            ("thread_start", offset!(raftlab_host, thread_start), 112),
            ("thread_join", offset!(raftlab_host, thread_join), 120),
            ("mutex_new", offset!(raftlab_host, mutex_new), 128),
            ("mutex_free", offset!(raftlab_host, mutex_free), 136),
            ("mutex_lock", offset!(raftlab_host, mutex_lock), 144),
            ("mutex_unlock", offset!(raftlab_host, mutex_unlock), 152),
            ("cond_new", offset!(raftlab_host, cond_new), 160),
            ("cond_free", offset!(raftlab_host, cond_free), 168),
            ("cond_wait", offset!(raftlab_host, cond_wait), 176),
            (
                "cond_wait_until",
                offset!(raftlab_host, cond_wait_until),
                184,
            ),
            (
                "cond_notify_one",
                offset!(raftlab_host, cond_notify_one),
                192,
            ),
            (
                "cond_notify_all",
                offset!(raftlab_host, cond_notify_all),
                200,
            ),
            ("killed", offset!(raftlab_host, killed), 208),
        ];
        for (name, got, want) in want {
            assert_eq!(
                got, want,
                "raftlab_host.{} is at {} in Rust, {} in raftlab.h",
                name, got, want
            );
        }
        assert_eq!(size_of::<raftlab_host>(), 216);
    }

    #[test]
    fn plugin_apply_sink_layout_matches_raftlab_h() {
        let want: &[(&str, usize, usize)] = &[
            ("plugin.abi_major", offset!(raftlab_plugin, abi_major), 4),
            ("plugin.abi_minor", offset!(raftlab_plugin, abi_minor), 8),
            ("plugin.name", offset!(raftlab_plugin, name), 16),
            ("plugin.version", offset!(raftlab_plugin, version), 24),
            ("plugin.make", offset!(raftlab_plugin, make), 32),
            ("plugin.start", offset!(raftlab_plugin, start), 40),
            ("plugin.get_state", offset!(raftlab_plugin, get_state), 48),
            ("plugin.handle_rpc", offset!(raftlab_plugin, handle_rpc), 56),
            ("plugin.snapshot", offset!(raftlab_plugin, snapshot), 64),
            (
                "plugin.persist_bytes",
                offset!(raftlab_plugin, persist_bytes),
                72,
            ),
            ("plugin.kill", offset!(raftlab_plugin, kill), 80),
            ("plugin.destroy", offset!(raftlab_plugin, destroy), 88),
            (
                "plugin.get_extension",
                offset!(raftlab_plugin, get_extension),
                96,
            ),
            ("plugin.flags", offset!(raftlab_plugin, flags), 104),
            ("apply_msg.kind", offset!(raftlab_apply_msg, kind), 4),
            ("apply_msg.index", offset!(raftlab_apply_msg, index), 8),
            ("apply_msg.term", offset!(raftlab_apply_msg, term), 16),
            ("apply_msg.data", offset!(raftlab_apply_msg, data), 24),
            ("apply_msg.len", offset!(raftlab_apply_msg, len), 32),
            ("sink.ctx", offset!(raftlab_sink, ctx), 0),
            ("sink.write", offset!(raftlab_sink, write), 8),
        ];
        for (name, got, want) in want {
            assert_eq!(
                got, want,
                "{} is at {} in Rust, {} in raftlab.h",
                name, got, want
            );
        }
        assert_eq!(size_of::<raftlab_plugin>(), 112);
        assert_eq!(size_of::<raftlab_apply_msg>(), 40);
    }
}
