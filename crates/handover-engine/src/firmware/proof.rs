//! Asking a device what it runs after an upgrade, with the password Handover holds, and nothing else: the
//! answer is trusted only from the device the project knows (serial and MAC on the same authenticated
//! connection). A device presenting a new TLS certificate (firmware that regenerates it) is re-pinned only
//! after that proof; until then its old pin stays.

use handover_devices::{Credentials, DeviceClient};
use handover_model::MacAddr;

/// Who is asked, and how.
pub(crate) struct Target<'a> {
    pub xaddr: &'a str,
    pub creds: &'a Credentials,
    pub serial: Option<&'a str>,
    pub mac: Option<MacAddr>,
    pub fingerprint: Option<&'a str>,
}

/// What the device said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seen {
    /// It took the held password and proved it is the device the project knows.
    Runs {
        /// The version it reports.
        version: String,
        /// The new certificate's fingerprint, pinned after the proof, when it changed.
        repinned: Option<String>,
        /// Its account names.
        users: Vec<String>,
        /// Its network settings as read (host name, NTP), to compare before and after.
        settings: Vec<String>,
    },
    /// It answered but refused the held password.
    PasswordRefused(String),
    /// Something else answers there (serial or MAC differ).
    NotSame(String),
    /// No usable answer (rebooting, gone, broken).
    Away(String),
}

/// Asks once; `repin`: a new certificate may be pinned once the device proved itself (after an upgrade),
/// otherwise a changed certificate is an answer like any other failure (nothing sent over it).
pub(crate) async fn ask(client: &DeviceClient, t: &Target<'_>, repin: bool) -> Seen {
    match read(client, t).await {
        Err(e) if repin && e.is_certificate_changed() => {
            // Firmware that makes a new certificate: prove identity over it with the held password, then pin
            // it; anything less puts the old pin back.
            client.unpin_host(t.xaddr);
            let seen = match read(client, t).await {
                Ok(Seen::Runs {
                    version,
                    users,
                    settings,
                    ..
                }) => {
                    let fp = client.tls_fingerprint(t.xaddr);
                    client.pin_certificate(t.xaddr, fp.as_deref());
                    return Seen::Runs {
                        version,
                        repinned: fp,
                        users,
                        settings,
                    };
                }
                Ok(other) => other,
                Err(e) => classify(e),
            };
            client.pin_certificate(t.xaddr, t.fingerprint);
            match seen {
                Seen::PasswordRefused(why) => Seen::PasswordRefused(format!(
                    "it presents a new TLS certificate and refuses the held password ({why})"
                )),
                other => other,
            }
        }
        Ok(seen) => seen,
        Err(e) => classify(e),
    }
}

fn classify(e: crate::Error) -> Seen {
    match &e {
        crate::Error::Devices(d) if d.is_auth_rejected() => Seen::PasswordRefused(e.to_string()),
        _ => Seen::Away(e.to_string()),
    }
}

async fn read(client: &DeviceClient, t: &Target<'_>) -> crate::Result<Seen> {
    let session = client.session(t.xaddr, Some(t.creds.clone()))?;
    // A refusal here already counts against the device's lockout: ask nothing more.
    if let Err(e) = session.system_date_and_time().await
        && (e.is_auth_rejected() || e.is_unreachable() || e.is_certificate_changed())
    {
        return Err(e.into());
    }
    let info = session.device_information().await?;
    if let Some(why) = crate::credentials::same_device(&session, t.serial, t.mac).await? {
        return Ok(Seen::NotSame(why));
    }
    let users = session
        .users()
        .await
        .map(|us| us.into_iter().map(|u| u.username).collect())
        .unwrap_or_default();
    let mut settings = Vec::new();
    if let Ok(Some(h)) = session.hostname().await {
        settings.push(format!("host name {h}"));
    }
    if let Ok(n) = session.ntp().await {
        settings.push(format!(
            "NTP {}",
            if n.from_dhcp {
                "from DHCP".to_owned()
            } else {
                n.servers.join(", ")
            }
        ));
    }
    Ok(Seen::Runs {
        version: info.firmware_version,
        repinned: None,
        users,
        settings,
    })
}

impl crate::Error {
    /// True when a device presented another certificate than its pinned one.
    pub(crate) fn is_certificate_changed(&self) -> bool {
        matches!(self, crate::Error::Devices(d) if d.is_certificate_changed())
    }
}
