//! Notifications the sandbox sends by itself: when a lifecycle's instance enters a state that
//! owes one, its notification is built from the instance, signed and encrypted like any other,
//! and POSTed to the `notify_url` the creating request gave, again on WeChat Pay's schedule
//! until the receiver answers 2xx. Every delivery is recorded.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use super::lifecycle::{Notice, merge};
use super::notification::{NotificationBuilder, SimulatedNotification};
use super::server::Shared;
use crate::schema::Notification;

/// WeChat Pay's documented retry schedule for notifications not answered 2xx: the waits
/// before the 2nd to 16th attempts, 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h,
/// 24h4m in all (../shared/reference/protocol-notes.md; the 支付成功通知 page).
pub const DOCUMENTED_NOTIFICATION_SCHEDULE: [Duration; 15] = [
    Duration::from_secs(15),
    Duration::from_secs(15),
    Duration::from_secs(30),
    Duration::from_secs(3 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(20 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(6 * 3600),
];

/// The sandbox's default: the documented schedule a thousand times faster (15 ms ... 21.6 s,
/// 86.6 s in all), so a test sees retries without waiting a day.
pub(super) fn compressed_schedule() -> Vec<Duration> {
    DOCUMENTED_NOTIFICATION_SCHEDULE
        .iter()
        .map(|wait| *wait / 1000)
        .collect()
}

/// How long one attempt may take before it counts as not answered.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// One notification the sandbox sent, or is still sending, to a `notify_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationDelivery {
    /// The notification's `id` (the same in every attempt).
    pub id: String,
    /// Its `event_type`, e.g. `TRANSACTION.SUCCESS`.
    pub event_type: String,
    /// Where it is sent: the creating request's `notify_url`.
    pub url: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// The status of the last answer; `None` before the first or when no answer came.
    pub last_status: Option<u16>,
    /// Whether an attempt was answered 2xx (no further attempt is made then).
    pub delivered: bool,
}

/// Starts delivering `notice` and records the delivery.
pub(super) fn dispatch(shared: &Arc<Shared>, notice: Notice) {
    let Some(notification) = shared
        .notifications
        .iter()
        .find(|known| known.service == notice.service && known.id == notice.notification)
    else {
        // Validation ties every lifecycle's notification to its service's table.
        return;
    };
    let serial = shared.lock().serial.clone();
    let built = NotificationBuilder::new(Some(notification), &notice.event_type, serial)
        .resource(resource(notification, &notice.record).to_string())
        .build();
    let Ok(built) = built else {
        // Building fails only when the system has no randomness for the nonces.
        return;
    };
    let id = serde_json::from_slice::<Value>(&built.body)
        .ok()
        .and_then(|body| body.get("id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    let index = {
        let mut state = shared.lock();
        state.deliveries.push(NotificationDelivery {
            id,
            event_type: notice.event_type.clone(),
            url: notice.url.clone(),
            attempts: 0,
            last_status: None,
            delivered: false,
        });
        state.deliveries.len() - 1
    };
    shared
        .runtime
        .spawn(deliver(shared.clone(), index, notice.url, built));
}

/// The first attempt at once, then one after each wait of the schedule, until one is answered
/// 2xx. Each attempt is signed afresh, as its timestamp must be recent; the body stays the same.
async fn deliver(
    shared: Arc<Shared>,
    index: usize,
    url: String,
    notification: SimulatedNotification,
) {
    let waits = shared.notification_schedule.clone();
    for attempt in 0..=waits.len() {
        if let Some(wait) = attempt.checked_sub(1).and_then(|i| waits.get(i)) {
            tokio::time::sleep(*wait).await;
        }
        let status = match notification.signed_again() {
            Ok(signed) => match tokio::time::timeout(ATTEMPT_TIMEOUT, signed.post(&url)).await {
                Ok(Ok((status, _))) => Some(status),
                _ => None,
            },
            Err(_) => None,
        };
        let delivered = status.is_some_and(|status| (200..300).contains(&status));
        if let Some(delivery) = shared.lock().deliveries.get_mut(index) {
            delivery.attempts += 1;
            delivery.last_status = status;
            delivery.delivered = delivered;
        }
        if delivered {
            return;
        }
    }
}

/// The decrypted resource: the documented example, overlaid with what the instance knows of
/// each of the resource type's fields (nested objects merged member by member).
fn resource(notification: &Notification, record: &Map<String, Value>) -> Value {
    let mut resource = notification
        .example
        .as_deref()
        .and_then(|example| serde_json::from_str::<Map<String, Value>>(example).ok())
        .unwrap_or_default();
    let fields: Vec<String> = if notification.fields.is_empty() {
        resource.keys().cloned().collect()
    } else {
        notification.fields.clone()
    };
    for field in fields {
        if let Some(value) = record.get(&field) {
            merge(resource.entry(field).or_insert(Value::Null), value);
        }
    }
    Value::Object(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(example: &str, fields: &[&str]) -> Notification {
        Notification {
            service: "basic_payment".to_owned(),
            id: "transaction".to_owned(),
            title: "支付成功通知".to_owned(),
            event_types: Vec::new(),
            example: Some(example.to_owned()),
            fields: fields.iter().map(|field| (*field).to_owned()).collect(),
        }
    }

    #[test]
    fn the_resource_is_the_example_overlaid_with_the_instance_within_its_fields() {
        let notification = notification(
            r#"{"out_trade_no": "example", "trade_state": "SUCCESS",
                "amount": {"total": 1, "payer_total": 1, "currency": "CNY"}}"#,
            &["out_trade_no", "trade_state", "amount", "attach"],
        );
        let record: Map<String, Value> = serde_json::from_str(
            r#"{"out_trade_no": "A1", "amount": {"total": 100}, "attach": "x",
                "notify_url": "http://127.0.0.1/notify"}"#,
        )
        .expect("a JSON object");
        assert_eq!(
            resource(&notification, &record),
            serde_json::json!({
                "out_trade_no": "A1",
                "trade_state": "SUCCESS",
                "amount": {"total": 100, "payer_total": 1, "currency": "CNY"},
                "attach": "x"
            })
        );
    }

    #[test]
    fn the_default_schedule_is_the_documented_one_compressed() {
        let schedule = compressed_schedule();
        assert_eq!(schedule.len(), 15);
        assert_eq!(schedule[0], Duration::from_millis(15));
        assert_eq!(schedule[14], Duration::from_millis(21_600));
        let total: Duration = DOCUMENTED_NOTIFICATION_SCHEDULE.iter().sum();
        assert_eq!(total, Duration::from_secs(24 * 3600 + 4 * 60));
    }
}
