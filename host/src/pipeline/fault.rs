//! Whether an invocation's answer is a fault: an unhandled error, a guest that failed, or an
//! answer the host had to refuse, each answered with a 500 (Powertools lets the first two
//! fail the invocation). The stages that make such a 500 record it here, on the thread that
//! answers the invocation, and [`super::Pipeline::handle`] takes it when the answer is done,
//! for the metrics and for the bundle's `unhandled_errors`.

use std::cell::RefCell;

/// What made a 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    /// The error's type name (`core::num::error::ParseIntError`), or the host's name for a
    /// failure (`GuestTrap`).
    pub(crate) error_type: String,
    pub(crate) message: String,
}

thread_local! {
    static FAULT: RefCell<Option<Fault>> = const { RefCell::new(None) };
}

/// Records the invocation's fault; the first one stays (an exception handler that fails
/// after the error it handled is the same fault).
pub(super) fn record(error_type: &str, message: &str) {
    FAULT.with(|fault| {
        fault.borrow_mut().get_or_insert_with(|| Fault {
            error_type: error_type.to_string(),
            message: message.to_string(),
        });
    });
}

/// The fault recorded since the last `take`, leaving none.
pub(super) fn take() -> Option<Fault> {
    FAULT.with(|fault| fault.borrow_mut().take())
}
