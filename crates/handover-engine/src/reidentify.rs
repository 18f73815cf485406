//! Identification again, with the password Handover now holds, after custody changed (find-defaults found a
//! default or settled a reset, `credentials set`, a rotation): a device that wants credentials even for
//! GetDeviceInformation is read for the first time then (maker, model, firmware, MAC, serial, accounts), so
//! the checks judge it instead of passing it by. It only reads; a device that cannot be read stays as it was.

use handover_model::DeviceId;
use tokio_util::sync::CancellationToken;

use crate::credentials::Custody;
use crate::discover::IdentifySummary;
use crate::error::Result;
use crate::progress::ProgressFn;
use crate::session::Session;

impl Session {
    /// Identifies `ids` again with their held credentials (nothing when `ids` is empty).
    pub(crate) async fn reidentify(
        &self,
        ids: &[DeviceId],
        concurrency: usize,
        cancel: &CancellationToken,
        progress: &ProgressFn,
    ) -> Result<IdentifySummary> {
        if ids.is_empty() || cancel.is_cancelled() {
            return Ok(IdentifySummary::default());
        }
        self.identify_now(ids, concurrency, cancel, progress).await
    }

    /// [`reidentify`](Self::reidentify) within a custody run, with its concurrency.
    pub(crate) async fn reidentify_in(
        &self,
        cx: &Custody<'_>,
        ids: &[DeviceId],
    ) -> Result<IdentifySummary> {
        self.reidentify(ids, cx.concurrency, cx.cancel, cx.progress)
            .await
    }
}
