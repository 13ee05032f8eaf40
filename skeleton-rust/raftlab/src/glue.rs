//! The `Raft` trait you implement and the C entry points that forward to
//! it. `export_raft!(YourType, "name", "version")`, once in your crate,
//! defines the one exported symbol, `raftlab_entry`.
//!
//! Thread safety: the harness calls `start`, `get_state`, `handle_rpc`,
//! `snapshot` and `persist_bytes` concurrently from many threads (hence
//! `&self` and `Send + Sync`): your type synchronises itself.
//! Ownership: the glue boxes your value in `make` and drops it in `destroy`,
//! after `kill` returned.
use std::os::raw::{c_char, c_void};
use std::ptr;

use crate::ffi;
use crate::host::Host;
use crate::panic::{catch, catch_or_abort, Boundary};

/// What `Raft::start` returns: index and term matter only when `is_leader`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StartResult {
    pub index: i64,
    pub term: i64,
    pub is_leader: bool,
}

/// Why `Raft::handle_rpc` could not answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpcError {
    /// No such method: the harness reports the name as your error.
    UnknownMethod,
    /// The request did not decode: fails the test (RAFTLAB_ERR_INTERNAL).
    Malformed,
}

/// One Raft peer. The harness makes one per peer and per restart, each in
/// its own private copy of your library (so statics are not shared between
/// peers and do not survive a crash).
pub trait Raft: Sized + Send + Sync + 'static {
    /// Peer `me` of `npeers` (MIT's Make). Reads the saved state and
    /// snapshot through `host` to recover after a crash. Must return
    /// quickly: start threads with `raftlab::spawn` for long-running work.
    /// An `Err` is logged and fails the test ("make() returned NULL").
    fn make(host: Host, me: usize, npeers: usize) -> Result<Self, String>;

    /// Proposes a command. Must return AT ONCE: never wait for agreement,
    /// never call `host.call`. Called on every peer, leader or not.
    fn start(&self, command: &[u8]) -> StartResult;

    /// (current term, whether this peer believes it is leader). Must not
    /// block.
    fn get_state(&self) -> (i64, bool);

    /// Answers one RPC from a peer's `host.call`: `method` is exactly what
    /// the sender passed ("Raft.RequestVote"). Persist before replying when
    /// the reply depends on new state. May lock briefly; never sends RPCs.
    fn handle_rpc(&self, method: &str, req: &[u8]) -> Result<Vec<u8>, RpcError>;

    /// The service has a snapshot of everything up to and including
    /// `index`: drop those entries, persist the snapshot with the state.
    /// Called from the harness's applier, possibly while your own
    /// `host.apply_command` is still in progress.
    fn snapshot(&self, index: i64, snapshot: &[u8]);

    /// Size of the persisted Raft state (`host.state_size()`).
    fn persist_bytes(&self) -> i64;

    /// Stops the peer: stop and JOIN every thread you started, then return.
    fn kill(&self);
}

/// The plugin table as a `static` (it holds raw pointers to static
/// strings, which are never written).
#[repr(transparent)]
pub struct PluginTable(ffi::raftlab_plugin);

// SAFETY: immutable after construction; the pointers are to 'static data.
unsafe impl Sync for PluginTable {}

impl PluginTable {
    /// `name` and `version`: static NUL-terminated strings (export_raft! makes them).
    pub const fn new<T: Raft>(name: *const c_char, version: *const c_char) -> PluginTable {
        PluginTable(ffi::raftlab_plugin {
            struct_size: std::mem::size_of::<ffi::raftlab_plugin>() as u32,
            abi_major: ffi::RAFTLAB_ABI_MAJOR,
            abi_minor: ffi::RAFTLAB_ABI_MINOR,
            reserved: 0,
            name,
            version,
            make: make::<T>,
            start: start::<T>,
            get_state: get_state::<T>,
            handle_rpc: handle_rpc::<T>,
            snapshot: snapshot::<T>,
            persist_bytes: persist_bytes::<T>,
            kill: kill::<T>,
            destroy: destroy::<T>,
            get_extension,
            // The wrappers give the student only the host's threads, locks,
            // condition variables, clock and sleep: labtest --sim can run it.
            flags: ffi::RAFTLAB_PLUGIN_HOST_THREADS_ONLY,
        })
    }
}

/// The body of `raftlab_entry`: installs the panic hook, returns the table
/// whatever the host's version (the loader names both when majors differ).
pub fn entry(
    table: &'static PluginTable,
    _host_major: u32,
    _host_minor: u32,
) -> *const ffi::raftlab_plugin {
    crate::panic::install_hook();
    &table.0
}

/// Defines the plugin's one exported symbol for your `Raft` type.
///
/// ```ignore
/// raftlab::export_raft!(MyRaft, "my-raft", "1.0");
/// ```
#[macro_export]
macro_rules! export_raft {
    ($ty:ty, $name:expr, $version:expr) => {
        #[no_mangle]
        pub extern "C" fn raftlab_entry(
            host_abi_major: u32,
            host_abi_minor: u32,
        ) -> *const $crate::ffi::raftlab_plugin {
            static TABLE: $crate::glue::PluginTable = $crate::glue::PluginTable::new::<$ty>(
                concat!($name, "\0").as_ptr() as *const ::std::os::raw::c_char,
                concat!($version, "\0").as_ptr() as *const ::std::os::raw::c_char,
            );
            $crate::glue::entry(&TABLE, host_abi_major, host_abi_minor)
        }
    };
}

/// What `raftlab_raft*` points at.
struct Instance<T> {
    host: Host,
    raft: T,
}

unsafe fn instance<'a, T>(r: *mut ffi::raftlab_raft) -> &'a Instance<T> {
    &*(r as *const Instance<T>)
}

unsafe fn bytes<'a>(data: *const u8, len: usize) -> &'a [u8] {
    if len == 0 || data.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(data, len)
    }
}

unsafe extern "C" fn make<T: Raft>(
    h: *const ffi::raftlab_host,
    me: i32,
    npeers: i32,
) -> *mut ffi::raftlab_raft {
    let host = Host::from_raw(h);
    match catch(&host, "make", || {
        T::make(host, me as usize, npeers as usize)
    }) {
        Some(Ok(raft)) => {
            Box::into_raw(Box::new(Instance { host, raft })) as *mut ffi::raftlab_raft
        }
        Some(Err(why)) => {
            host.log(crate::Level::Error, &format!("make: {}", why));
            ptr::null_mut()
        }
        None => ptr::null_mut(),
    }
}

unsafe extern "C" fn start<T: Raft>(
    r: *mut ffi::raftlab_raft,
    cmd: *const u8,
    len: usize,
    index: *mut i64,
    term: *mut i64,
    is_leader: *mut i32,
) {
    let inst = instance::<T>(r);
    let res = catch_or_abort(&inst.host, Boundary::Call("start"), || {
        inst.raft.start(bytes(cmd, len))
    });
    *index = res.index;
    *term = res.term;
    *is_leader = res.is_leader as i32;
}

unsafe extern "C" fn get_state<T: Raft>(
    r: *mut ffi::raftlab_raft,
    term: *mut i64,
    is_leader: *mut i32,
) {
    let inst = instance::<T>(r);
    let (t, leader) = catch_or_abort(&inst.host, Boundary::Call("get_state"), || {
        inst.raft.get_state()
    });
    *term = t;
    *is_leader = leader as i32;
}

unsafe extern "C" fn handle_rpc<T: Raft>(
    r: *mut ffi::raftlab_raft,
    method: *const c_char,
    req: *const u8,
    req_len: usize,
    reply: *mut ffi::raftlab_sink,
) -> i32 {
    let inst = instance::<T>(r);
    let name = std::ffi::CStr::from_ptr(method).to_string_lossy();
    let what = format!("handle_rpc(\"{}\")", name);
    match catch(&inst.host, &what, || {
        inst.raft.handle_rpc(&name, bytes(req, req_len))
    }) {
        Some(Ok(out)) => {
            if !out.is_empty() {
                ((*reply).write)(reply, out.as_ptr(), out.len());
            }
            ffi::RAFTLAB_OK
        }
        Some(Err(RpcError::UnknownMethod)) => ffi::RAFTLAB_ERR_UNKNOWN_METHOD,
        Some(Err(RpcError::Malformed)) => {
            inst.host.log(
                crate::Level::Error,
                &format!("{}: malformed request ({} bytes)", what, req_len),
            );
            ffi::RAFTLAB_ERR_INTERNAL
        }
        None => ffi::RAFTLAB_ERR_INTERNAL, // the panic was logged by catch()
    }
}

unsafe extern "C" fn snapshot<T: Raft>(
    r: *mut ffi::raftlab_raft,
    index: i64,
    data: *const u8,
    len: usize,
) {
    let inst = instance::<T>(r);
    catch_or_abort(&inst.host, Boundary::Call("snapshot"), || {
        inst.raft.snapshot(index, bytes(data, len))
    });
}

unsafe extern "C" fn persist_bytes<T: Raft>(r: *mut ffi::raftlab_raft) -> i64 {
    let inst = instance::<T>(r);
    catch_or_abort(&inst.host, Boundary::Call("persist_bytes"), || {
        inst.raft.persist_bytes()
    })
}

unsafe extern "C" fn kill<T: Raft>(r: *mut ffi::raftlab_raft) {
    let inst = instance::<T>(r);
    catch_or_abort(&inst.host, Boundary::Call("kill"), || inst.raft.kill());
}

unsafe extern "C" fn destroy<T: Raft>(r: *mut ffi::raftlab_raft) {
    let inst = Box::from_raw(r as *mut Instance<T>);
    let host = inst.host;
    catch_or_abort(&host, Boundary::Call("destroy"), move || drop(inst));
}

/// Part 5 (rsm, KV server, clerk) is not bridged for Rust: its tests report
/// "skipped: not implemented".
unsafe extern "C" fn get_extension(_id: *const c_char) -> *const c_void {
    ptr::null()
}
