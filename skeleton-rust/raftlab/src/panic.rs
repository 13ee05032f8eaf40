//! Panics stop at the C boundary. Every function the harness calls, and
//! every thread started with `spawn`, runs inside `catch_unwind`; a panic
//! becomes the test's verdict through the error path raftlab.h has there:
//!
//!   make()          logged at ERROR, returns NULL: "make() returned NULL"
//!   handle_rpc()    logged at ERROR, returns RAFTLAB_ERR_INTERNAL, which
//!                   fails the test naming the method
//!   everything else logged at ERROR, then the test process aborts: the
//!   (start, get_state, verdict is "crashed: SIGABRT" with the panic in
//!   snapshot, kill,  the log tail and on stderr
//!   persist_bytes,
//!   destroy, threads)
//!
//! Rationale: those calls have no error return in the ABI, and a peer that
//! panicked half-way through updating its state cannot be trusted to go
//! on; carrying on would turn a clear bug into a confusing liveness
//! failure much later. (The C++ glue logs and returns a default instead,
//! as C++ code may recover from an exception.)
//!
//! The message and place come from a panic hook installed once per loaded
//! copy of the plugin (each copy has its own standard library), which keeps
//! them for the thread that panicked and prints them on stderr as one line.
//! It replaces the default hook, so RUST_BACKTRACE prints no backtrace:
//! symbolising one takes seconds in a plugin built with debug information,
//! long enough to be reported as a call that does not return (the harness's
//! crash report and stack dumps name your frames instead).
use std::any::Any;
use std::cell::RefCell;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::host::{Host, Level};

thread_local! {
    // Set by the hook on the panicking thread, taken by the catcher.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook; idempotent. Called by the entry point.
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let text = info.to_string().replace('\n', " ");
            // One write per line, so that peers panicking at once do not interleave.
            let line = format!("raftlab plugin: {}\n", text);
            let _ = std::io::stderr().write_all(line.as_bytes());
            let _ = LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(text));
        }));
    });
}

/// Where a panic was caught.
pub enum Boundary<'a> {
    Call(&'a str),
    Thread(&'a str),
}

fn describe(payload: Box<dyn Any + Send>) -> String {
    if let Some(text) = LAST_PANIC
        .try_with(|p| p.borrow_mut().take())
        .ok()
        .flatten()
    {
        return text;
    }
    if let Some(s) = payload.downcast_ref::<&str>() {
        return format!("panicked: {}", s);
    }
    if let Some(s) = payload.downcast_ref::<String>() {
        return format!("panicked: {}", s);
    }
    "panicked (no message)".to_string()
}

/// Runs `body`; on panic logs it at ERROR and returns `None`.
pub fn catch<R>(host: &Host, what: &str, body: impl FnOnce() -> R) -> Option<R> {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => Some(r),
        Err(payload) => {
            host.log(Level::Error, &format!("{}: {}", what, describe(payload)));
            None
        }
    }
}

/// Runs `body`; on panic logs it at ERROR and aborts the process.
pub fn catch_or_abort<R>(host: &Host, at: Boundary<'_>, body: impl FnOnce() -> R) -> R {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => {
            let place = match at {
                Boundary::Call(f) => format!("{}()", f),
                Boundary::Thread(name) => format!("thread '{}'", name),
            };
            host.log(
                Level::Error,
                &format!(
                    "{}: {}; aborting the test process ({} has no error path in the C ABI)",
                    place,
                    describe(payload),
                    place
                ),
            );
            std::process::abort();
        }
    }
}
