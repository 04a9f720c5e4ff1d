//! The request's deadline: the route's timeout, cut to what Lambda leaves of the invocation
//! less a margin to answer, so that the host answers 504 before Lambda stops the whole
//! execution environment.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::invocation::InvocationContext;

/// What is kept of Lambda's remaining time to write the answer.
const ANSWER_MARGIN_MS: u64 = 50;

/// The earlier of the route's timeout and Lambda's deadline (less a margin to answer), so
/// that the host answers 504 before Lambda stops the whole environment; logs a warning when
/// the request came too late to run at all ([`late_arrival`]).
pub(super) fn deadline(timeout: Duration, context: &InvocationContext) -> Instant {
    let now = Instant::now();
    if context.deadline_ms == 0 {
        return now + timeout;
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    if let Some(warning) = late_arrival(context.deadline_ms, now_ms) {
        crate::log::warn(&warning);
    }
    let left = context
        .deadline_ms
        .saturating_sub(now_ms)
        .saturating_sub(ANSWER_MARGIN_MS);
    now + Duration::from_millis(left).min(timeout)
}

/// Why a request is about to answer 504 however fast its handler is: it arrived with no time
/// left by this machine's clock. Seen as a 504 alone, that looks like a slow handler; it is a
/// deadline from the runtime API (or an emulator) already past, or a clock that is wrong.
fn late_arrival(deadline_ms: u64, now_ms: u64) -> Option<String> {
    let left = deadline_ms.saturating_sub(now_ms);
    (left <= ANSWER_MARGIN_MS).then(|| {
        let when = match now_ms.checked_sub(deadline_ms) {
            Some(late) if late > 0 => format!("{late} ms past Lambda's deadline"),
            _ => format!("with {left} ms of Lambda's time left"),
        };
        format!(
            "the invocation arrived {when} (deadline {deadline_ms}, \
             this host's clock {now_ms}, in ms since the Unix epoch): its handler gets one \
             epoch tick and will likely answer 504; check the runtime API's deadline and this \
             machine's clock"
        )
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use super::{deadline, late_arrival};
    use crate::invocation::InvocationContext;

    fn context_ending_in(ms: u64) -> InvocationContext {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        InvocationContext {
            deadline_ms: now_ms + ms,
            ..InvocationContext::local()
        }
    }

    #[test]
    fn the_deadline_is_the_route_timeout_or_lambdas_remaining_time_whichever_is_first() {
        let start = Instant::now();
        // Lambda has 2 s left; the route may take 30: 2 s less the margin to answer.
        let at = deadline(Duration::from_secs(30), &context_ending_in(2_000));
        assert!(
            at <= start + Duration::from_millis(2_000) && at > start,
            "{at:?}"
        );
        // The route's 100 ms come first.
        let at = deadline(Duration::from_millis(100), &context_ending_in(60_000));
        assert!(at <= Instant::now() + Duration::from_millis(100));
        // No Lambda deadline (local runs): the route's timeout.
        let at = deadline(
            Duration::from_secs(5),
            &InvocationContext {
                deadline_ms: 0,
                ..InvocationContext::local()
            },
        );
        assert!(at >= start + Duration::from_secs(5));
    }

    #[test]
    fn an_invocation_arriving_past_its_deadline_is_named_as_such() {
        let now = 1_764_000_000_000;
        let rows = [
            (now + 60_000, false),
            (now + 51, false),
            (now + 50, true),
            (now, true),
            (now - 5_000, true),
        ];
        for (deadline_ms, late) in rows {
            assert_eq!(
                late_arrival(deadline_ms, now).is_some(),
                late,
                "{deadline_ms}"
            );
        }
        let warning = late_arrival(now - 5_000, now).unwrap_or_default();
        assert!(
            warning.starts_with("the invocation arrived 5000 ms past Lambda's deadline (")
                && warning.contains(&now.to_string()),
            "{warning}"
        );
        let warning = late_arrival(now + 20, now).unwrap_or_default();
        assert!(
            warning.starts_with("the invocation arrived with 20 ms of Lambda's time left ("),
            "{warning}"
        );
    }
}
