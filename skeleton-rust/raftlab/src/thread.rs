//! Threads started through the host (`spawn`), joined with
//! `JoinHandle::join`. The harness names them in stack dumps and counts
//! those still running after `kill` as zombies.
//!
//! A panic in a thread is caught at the thread's edge (it must not unwind
//! into the harness): it is logged at ERROR level with its message and
//! place, and the test process aborts, so the test's verdict is "crashed:
//! SIGABRT" with the panic in the log tail (panic.rs says why).
//!
//! Thread safety: a `JoinHandle` may be joined from any thread, once.
//! Ownership: the closure is moved to the new thread; the handle owns the
//! host's thread handle. Dropping an unjoined handle joins it.
use std::os::raw::c_void;

use crate::ffi;
use crate::host::{c_string, Host};
use crate::panic::{catch_or_abort, Boundary};

struct Start {
    host: Host,
    name: String,
    body: Box<dyn FnOnce() + Send + 'static>,
}

unsafe extern "C" fn trampoline(arg: *mut c_void) {
    // SAFETY: arg is the Box leaked by spawn, handed to exactly this thread.
    let start = Box::from_raw(arg as *mut Start);
    let Start { host, name, body } = *start;
    catch_or_abort(&host, Boundary::Thread(&name), body);
}

/// A thread started with `spawn`. Join it (all of them) in `Raft::kill`.
pub struct JoinHandle {
    host: Host,
    raw: *mut ffi::raftlab_thread,
}

// SAFETY: thread_join may be called from any plugin thread.
unsafe impl Send for JoinHandle {}
unsafe impl Sync for JoinHandle {}

/// Starts a thread named `name` running `body` (MIT's `go func()`).
/// Panics if the host cannot start it.
pub fn spawn<F: FnOnce() + Send + 'static>(host: &Host, name: &str, body: F) -> JoinHandle {
    let start = Box::into_raw(Box::new(Start {
        host: *host,
        name: name.to_string(),
        body: Box::new(body),
    }));
    let c = c_string(name);
    let raw = unsafe {
        ((*host.raw()).thread_start)(host.raw(), c.as_ptr(), trampoline, start as *mut c_void)
    };
    if raw.is_null() {
        // The thread never ran: the closure is still ours to free.
        drop(unsafe { Box::from_raw(start) });
        panic!("raftlab: the host could not start thread '{}'", name);
    }
    JoinHandle { host: *host, raw }
}

impl JoinHandle {
    /// Waits for the thread to finish.
    pub fn join(mut self) {
        self.join_now();
    }

    fn join_now(&mut self) {
        let raw = std::mem::replace(&mut self.raw, std::ptr::null_mut());
        if !raw.is_null() {
            unsafe { ((*self.host.raw()).thread_join)(self.host.raw(), raw) };
        }
    }
}

impl Drop for JoinHandle {
    fn drop(&mut self) {
        self.join_now();
    }
}
