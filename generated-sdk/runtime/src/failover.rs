//! Which host an attempt goes to: the main one, or the backup while the main one is down.

use super::client::Client;
use super::transport::OperationInfo;

/// How long the main host is avoided after it failed, before a request tries it again.
pub(crate) const DEFAULT_FAILBACK_AFTER_SECONDS: i64 = 30;

/// Which host an attempt goes to.
pub(crate) struct Host {
    pub(crate) base_url: String,
    pub(crate) is_backup: bool,
}

impl Client {
    pub(crate) fn choose_host(&self, operation: &OperationInfo) -> Host {
        let inner = &self.inner;
        let main = inner
            .main_base_url
            .clone()
            .unwrap_or_else(|| operation.main_host.to_owned());
        // Overriding the main host (a proxy, a test server) without naming a backup means there
        // is none: failing over to WeChat Pay's real backup host would bypass the override.
        let backup = match (&inner.main_base_url, &inner.backup_base_url) {
            (_, Some(backup)) => Some(backup.clone()),
            (None, None) => operation.backup_host.map(str::to_owned),
            (Some(_), None) => None,
        };
        let main_down = match *inner
            .main_down_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
        {
            Some(since) => inner.clock.now().saturating_sub(since) < inner.failback_after,
            None => false,
        };
        match backup {
            Some(backup) if main_down => Host {
                base_url: backup,
                is_backup: true,
            },
            _ => Host {
                base_url: main,
                is_backup: false,
            },
        }
    }

    pub(crate) fn main_is_down(&self) {
        let now = self.inner.clock.now();
        tracing::warn!(
            failback_after_seconds = self.inner.failback_after,
            "main host unreachable; failing over to the backup host"
        );
        *self
            .inner
            .main_down_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(now);
    }

    pub(crate) fn main_is_up(&self) {
        let was_down = self
            .inner
            .main_down_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .is_some();
        if was_down {
            tracing::info!("main host answers again; failing back");
        }
    }
}
