//! `Host`: the services of one instance (RPC, apply, Persister, log,
//! randomness, clock, sleep, killed), as safe methods over `raftlab_host`.
//!
//! Thread safety: `Host` is a copyable handle; every method may be called
//! from any thread, within the lifecycle limits raftlab.h gives for the
//! service (no `call`/`apply_*`/`save` after kill).
//! Ownership: it borrows the harness's table, which stays valid until your
//! instance is destroyed. Everything holding a `Host` (your threads
//! included) must be gone by then: join every thread in `Raft::kill`.
use std::ffi::CString;
use std::fmt;
use std::os::raw::{c_char, c_void};

use crate::ffi;

/// Log levels of `Host::log`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

/// The services the harness gives one Raft peer.
#[derive(Clone, Copy)]
pub struct Host {
    raw: *const ffi::raftlab_host,
}

// SAFETY: every host service is [any-thread] or [plugin-thread] (raftlab.h);
// the table itself is immutable and outlives the instance.
unsafe impl Send for Host {}
unsafe impl Sync for Host {}

/// Collects what the other side writes into a `raftlab_sink`.
pub(crate) struct VecSink {
    pub(crate) bytes: Vec<u8>,
}

unsafe extern "C" fn vec_sink_write(this: *mut ffi::raftlab_sink, data: *const u8, len: usize) {
    if len == 0 || data.is_null() {
        return;
    }
    // SAFETY: ctx was set to a live VecSink by with_sink, for this call
    // only; data holds len bytes (raftlab.h), borrowed for the call.
    let sink = &mut *((*this).ctx as *mut VecSink);
    let bytes = std::slice::from_raw_parts(data, len);
    // A panic must not unwind into C: extend_from_slice can only fail on
    // capacity overflow, which is a bug worth stopping for.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sink.bytes.extend_from_slice(bytes)
    }));
    if r.is_err() {
        std::process::abort();
    }
}

/// Runs `f` with a sink that appends into a fresh buffer; returns `f`'s
/// result and the bytes written.
pub(crate) fn with_sink<R>(f: impl FnOnce(*mut ffi::raftlab_sink) -> R) -> (R, Vec<u8>) {
    let mut out = VecSink { bytes: Vec::new() };
    let mut sink = ffi::raftlab_sink {
        ctx: &mut out as *mut VecSink as *mut c_void,
        write: vec_sink_write,
    };
    let r = f(&mut sink);
    (r, out.bytes)
}

/// A NUL-terminated copy of `s` (interior NULs become '?').
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "?")).unwrap_or_default()
}

impl Host {
    /// Wraps the harness's table.
    ///
    /// # Safety
    /// `raw` must be the `raftlab_host` the harness passed to `make`, used
    /// only until the instance is destroyed.
    pub unsafe fn from_raw(raw: *const ffi::raftlab_host) -> Host {
        Host { raw }
    }

    /// The C table, for code that needs a service this wrapper lacks.
    pub fn raw(&self) -> *const ffi::raftlab_host {
        self.raw
    }

    fn h(&self) -> &ffi::raftlab_host {
        // SAFETY: valid until destroy (from_raw's contract).
        unsafe { &*self.raw }
    }

    // --- network (labrpc) -------------------------------------------------

    /// Sends `req` to peer `peer` as `method` ("Raft.Something") and blocks
    /// until it completes: the reply bytes when the handler ran and its
    /// reply came back, `None` when the request or reply was lost or the
    /// peer is dead, partitioned or disconnected. May block for up to about
    /// 7 s: never hold a lock across it, and never call it from `start`,
    /// `get_state` or `handle_rpc`. No timeouts of your own.
    pub fn call(&self, peer: usize, method: &str, req: &[u8]) -> Option<Vec<u8>> {
        let m = c_string(method);
        let h = self.h();
        let (ok, reply) = with_sink(|sink| unsafe {
            (h.call)(
                self.raw,
                peer as i32,
                m.as_ptr(),
                req.as_ptr(),
                req.len(),
                sink,
            )
        });
        if ok != 0 {
            Some(reply)
        } else {
            None
        }
    }

    // --- apply --------------------------------------------------------------

    /// Delivers committed command `index` (MIT's applyCh). Blocks until the
    /// harness took it, and the harness may call your `snapshot` from
    /// another thread meanwhile: never hold your lock across it. Commands in
    /// index order, each exactly once. Returns false once killed.
    pub fn apply_command(&self, index: i64, term: i64, command: &[u8]) -> bool {
        self.apply(ffi::RAFTLAB_APPLY_COMMAND, index, term, command)
    }

    /// Delivers a snapshot installed from the leader (index and term of its
    /// last entry). Same rules as `apply_command`.
    pub fn apply_snapshot(&self, index: i64, term: i64, snapshot: &[u8]) -> bool {
        self.apply(ffi::RAFTLAB_APPLY_SNAPSHOT, index, term, snapshot)
    }

    fn apply(&self, kind: i32, index: i64, term: i64, data: &[u8]) -> bool {
        let msg = ffi::raftlab_apply_msg {
            struct_size: std::mem::size_of::<ffi::raftlab_apply_msg>() as u32,
            kind,
            index,
            term,
            data: data.as_ptr(),
            len: data.len(),
        };
        unsafe { (self.h().apply)(self.raw, &msg) == ffi::RAFTLAB_OK }
    }

    // --- Persister ------------------------------------------------------------

    /// Atomically replaces the saved Raft state AND snapshot. An empty
    /// snapshot erases the saved one: once your log is trimmed, pass the
    /// current snapshot on every save.
    pub fn save(&self, state: &[u8], snapshot: &[u8]) {
        unsafe {
            (self.h().persist_save)(
                self.raw,
                state.as_ptr(),
                state.len(),
                snapshot.as_ptr(),
                snapshot.len(),
            )
        }
    }

    /// A copy of the saved Raft state (empty on first boot).
    pub fn read_state(&self) -> Vec<u8> {
        let h = self.h();
        with_sink(|sink| unsafe { (h.persist_read_state)(self.raw, sink) }).1
    }

    /// A copy of the saved snapshot (possibly empty).
    pub fn read_snapshot(&self) -> Vec<u8> {
        let h = self.h();
        with_sink(|sink| unsafe { (h.persist_read_snapshot)(self.raw, sink) }).1
    }

    /// Size in bytes of the saved Raft state.
    pub fn state_size(&self) -> usize {
        unsafe { (self.h().persist_state_size)(self.raw) }
    }

    /// Size in bytes of the saved snapshot.
    pub fn snapshot_size(&self) -> usize {
        unsafe { (self.h().persist_snapshot_size)(self.raw) }
    }

    // --- diagnostics, randomness, clock ------------------------------------------

    /// Records one log line: kept per test, shown on failure and live with
    /// `labtest -v`. Never blocks for long.
    pub fn log(&self, level: Level, text: &str) {
        let c = c_string(text);
        unsafe { (self.h().log)(self.raw, level as i32, c.as_ptr() as *const c_char) }
    }

    /// `log` with `format_args!`: `host.logf(Level::Debug, format_args!("term {}", t))`.
    pub fn logf(&self, level: Level, args: fmt::Arguments<'_>) {
        self.log(level, &fmt::format(args));
    }

    /// A uniformly random value from this instance's seeded generator: use it
    /// (not your own generator) so that a seed replays the same run.
    pub fn random_u64(&self) -> u64 {
        unsafe { (self.h().random_u64)(self.raw) }
    }

    /// Uniform in `[lo, hi]` (requires `hi >= lo`).
    pub fn random_range(&self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo) as u64 + 1;
        lo + (self.random_u64() % span) as i64
    }

    /// Monotonic time in nanoseconds since an arbitrary origin.
    pub fn now_ns(&self) -> i64 {
        unsafe { (self.h().now_ns)(self.raw) }
    }

    /// Sleeps `ns` nanoseconds; returns early once the instance is killed.
    pub fn sleep_ns(&self, ns: i64) {
        unsafe { (self.h().sleep_ns)(self.raw, ns) }
    }

    /// True once the harness has begun to kill this instance. Check it in
    /// every long-running loop.
    pub fn killed(&self) -> bool {
        unsafe { (self.h().killed)(self.raw) != 0 }
    }
}

/// Nanoseconds in one millisecond (host times are nanoseconds).
pub const MILLISECOND: i64 = 1_000_000;
