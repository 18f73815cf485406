//! Trust on first use for device certificates: before talking to devices the engine pins, on the client, the
//! certificate fingerprint the project recorded for each device the first time it answered over HTTPS; a
//! device then presenting another certificate is refused before any credential is sent. A replaced or reset
//! device is trusted again only when the technician forgets its pin on purpose (audited).

use handover_devices::DeviceClient;
use handover_model::{Device, DeviceId};

use crate::error::{Error, Result};
use crate::session::Session;

/// Whether `xaddr` is reached over TLS.
pub(crate) fn is_https(xaddr: &str) -> bool {
    xaddr
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
}

/// Pins the certificate recorded for `d`, if any, on the host of its XAddr.
pub(crate) fn pin(client: &DeviceClient, d: &Device) {
    if let (Some(x), Some(fp)) = (&d.facts.xaddr, &d.facts.tls_fingerprint) {
        client.pin_certificate(x, Some(fp));
    }
}

/// The fingerprint to record for a device just reached at `xaddr`: the certificate its host presented, when
/// the XAddr is HTTPS.
pub(crate) fn presented(client: &DeviceClient, xaddr: &str) -> Option<String> {
    is_https(xaddr)
        .then(|| client.tls_fingerprint(xaddr))
        .flatten()
}

impl Session {
    /// Pins every recorded certificate on the session's client (workflows that talk to many devices do this
    /// first).
    pub(crate) fn pin_certificates(&self) -> Result<()> {
        let listed = self.project().devices()?;
        for d in listed {
            pin(self.client(), &d);
        }
        Ok(())
    }

    /// Forgets the certificate pinned for `id` (after the technician confirmed on site that the device was
    /// replaced or reset); the next HTTPS answer pins the new one. Returns the fingerprint forgotten.
    pub fn forget_certificate(&self, id: DeviceId) -> Result<String> {
        let d = self.project().device(id)?;
        let actor = self.actor().clone();
        let old = self
            .project_mut()
            .forget_certificate(id, &actor)?
            .ok_or_else(|| Error::Invalid(format!("{id} has no pinned certificate")))?;
        if let Some(x) = &d.facts.xaddr {
            self.client().unpin_host(x);
        }
        Ok(old)
    }
}
