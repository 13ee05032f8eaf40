//! `Mutex<T>` and `Condvar` made through the host, shaped like
//! `std::sync::Mutex` and `std::sync::Condvar` (without poisoning).
//!
//! Rationale: locks made by the host let the harness run your plugin under a
//! simulated clock and a deterministic scheduler (`--sim`), so that a seed
//! replays a rare interleaving. `std::sync` works too, in real time only.
//!
//! Thread safety: as std's. Ownership: each object owns its host handle and
//! frees it when dropped, which must happen before your instance is
//! destroyed (fields of your Raft type are).
use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use crate::ffi;
use crate::host::Host;

/// A non-recursive mutex from the host runtime guarding a `T`.
pub struct Mutex<T> {
    host: Host,
    raw: *mut ffi::raftlab_mutex,
    data: UnsafeCell<T>,
}

// SAFETY: the host mutex serialises every access to `data`.
unsafe impl<T: Send> Send for Mutex<T> {}
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    /// Panics if the host cannot make a mutex.
    pub fn new(host: &Host, value: T) -> Mutex<T> {
        let raw = unsafe { ((*host.raw()).mutex_new)(host.raw()) };
        assert!(!raw.is_null(), "raftlab: the host could not create a mutex");
        Mutex {
            host: *host,
            raw,
            data: UnsafeCell::new(value),
        }
    }

    /// Blocks until the lock is held; unlocked when the guard drops.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        unsafe { ((*self.host.raw()).mutex_lock)(self.host.raw(), self.raw) };
        MutexGuard {
            mutex: self,
            _not_send: PhantomData,
        }
    }
}

impl<T> Drop for Mutex<T> {
    fn drop(&mut self) {
        unsafe { ((*self.host.raw()).mutex_free)(self.host.raw(), self.raw) };
    }
}

/// Proof that the mutex is held; gives access to the data.
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    // Unlocked by the thread that locked it.
    _not_send: PhantomData<*const ()>,
}

unsafe impl<T: Sync> Sync for MutexGuard<'_, T> {}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        unsafe { &*self.mutex.data.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        unsafe { &mut *self.mutex.data.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        let host = self.mutex.host;
        unsafe { ((*host.raw()).mutex_unlock)(host.raw(), self.mutex.raw) };
    }
}

/// A condition variable from the host runtime. Waits may wake spuriously:
/// loop on your condition. Deadlines are in `Host::now_ns` nanoseconds.
pub struct Condvar {
    host: Host,
    raw: *mut ffi::raftlab_cond,
}

unsafe impl Send for Condvar {}
unsafe impl Sync for Condvar {}

impl Condvar {
    /// Panics if the host cannot make a condition variable.
    pub fn new(host: &Host) -> Condvar {
        let raw = unsafe { ((*host.raw()).cond_new)(host.raw()) };
        assert!(
            !raw.is_null(),
            "raftlab: the host could not create a condition variable"
        );
        Condvar { host: *host, raw }
    }

    /// Atomically unlocks the guard's mutex and waits; relocks before
    /// returning the guard.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        unsafe { ((*self.host.raw()).cond_wait)(self.host.raw(), self.raw, guard.mutex.raw) };
        guard
    }

    /// As `wait`, but gives up at `deadline_ns`. The bool is true when the
    /// deadline passed.
    pub fn wait_until<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        deadline_ns: i64,
    ) -> (MutexGuard<'a, T>, bool) {
        let r = unsafe {
            ((*self.host.raw()).cond_wait_until)(
                self.host.raw(),
                self.raw,
                guard.mutex.raw,
                deadline_ns,
            )
        };
        (guard, r != 0)
    }

    pub fn notify_one(&self) {
        unsafe { ((*self.host.raw()).cond_notify_one)(self.host.raw(), self.raw) };
    }

    pub fn notify_all(&self) {
        unsafe { ((*self.host.raw()).cond_notify_all)(self.host.raw(), self.raw) };
    }
}

impl Drop for Condvar {
    fn drop(&mut self) {
        unsafe { ((*self.host.raw()).cond_free)(self.host.raw(), self.raw) };
    }
}
