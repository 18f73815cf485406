//! Passwords the technician supplies (for devices whose password was changed before Handover came), proven
//! on the device before they are kept; and the encrypted KeePass export for IT.

use std::path::Path;

use handover_devices::LoginCheck;
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_vault::{ExportAccount, ExportModel, KdfParams, SecretString, Slot};

use super::{entry, try_login};
use crate::error::{Error, Result};
use crate::session::Session;

impl Session {
    /// Checks `password` for `user` on the device and, if the device takes it, keeps it in the keyring.
    pub async fn set_credential(
        &self,
        device: DeviceId,
        user: &str,
        password: SecretString,
    ) -> Result<()> {
        let _one_at_a_time = self.exclusive().await;
        let client = self.client();
        let d = self.project().device(device)?;
        crate::pins::pin(client, &d);
        let xaddr = d.facts.xaddr.ok_or_else(|| {
            Error::Invalid(format!(
                "{device} has no ONVIF address yet: run `handover discover`"
            ))
        })?;
        let check = try_login(client, &xaddr, user, &password).await?;
        // Every password tried counts against the device's lockout, as find-defaults counts it.
        if !matches!(&check, LoginCheck::Unreachable(e) | LoginCheck::Failed(e) if e.is_certificate_changed())
        {
            let outcome = format!("{:?}", check.outcome()).to_lowercase();
            self.project_mut().record_attempt(
                device,
                user,
                "a password the technician supplied",
                &outcome,
            )?;
        }
        match check {
            LoginCheck::Accepted { .. } => {}
            LoginCheck::NotAuthorized(_) => {
                return Err(Error::Invalid(format!(
                    "{device} refused that password for user {user}; nothing was stored. Check the user name and                      password (the device counts every refused login towards its lockout)"
                )));
            }
            LoginCheck::LockedOut(e) => {
                return Err(Error::Invalid(format!(
                    "{device} reports a lockout ({e}); wait for the lockout to end before trying again; nothing was stored"
                )));
            }
            LoginCheck::Unreachable(e) | LoginCheck::Failed(e) if e.is_certificate_changed() => {
                return Err(e.into());
            }
            LoginCheck::Unreachable(e) => {
                return Err(Error::Invalid(format!(
                    "could not reach {device} ({e}); the password was not checked and nothing was stored: try again once it answers"
                )));
            }
            LoginCheck::Failed(e) => {
                let (_, why) = super::defaults::undecided(&e);
                return Err(Error::Invalid(format!(
                    "{device} did not say whether it takes that password: {why}; nothing was stored"
                )));
            }
        }
        let vault = self.vault()?;
        let sealed = crate::sealed::seal(
            &vault,
            &entry(self.project_id(), device, user, Slot::Current)?,
            &password,
        )?;
        let cref = CredentialRef {
            device,
            username: user.to_owned(),
            state: CredentialState::TechnicianSupplied,
            matched_default: None,
            rotated_at: None,
            rotated_by: None,
        };
        // A rotation of this account left open (nothing proven) is closed by this password, which the device
        // just accepted: the other slots go, in the same transaction.
        let open: Vec<_> = self
            .project()
            .rotations(true)?
            .into_iter()
            .filter(|r| r.device == device && r.username == user)
            .collect();
        let mut writes = vec![sealed];
        if !open.is_empty() {
            writes.push(crate::sealed::remove(&entry(
                self.project_id(),
                device,
                user,
                Slot::Pending,
            )?)?);
            writes.push(crate::sealed::remove(&entry(
                self.project_id(),
                device,
                user,
                Slot::Previous,
            )?)?);
        }
        self.close_rotations(
            device,
            &open,
            &writes,
            &cref,
            "settled with a password the technician supplied and the device accepted",
            "credential.supplied",
        )?;
        // Custody changed: what the device guarded behind its password is read now.
        self.reidentify(
            &[device],
            1,
            &tokio_util::sync::CancellationToken::new(),
            &crate::progress::silent(),
        )
        .await?;
        Ok(())
    }

    /// Writes every held account to an encrypted KeePass file for IT (a group per VLAN). Returns how many.
    pub fn export_kdbx(
        &self,
        path: &Path,
        master: &SecretString,
        kdf: &KdfParams,
    ) -> Result<usize> {
        let site = self.project().site()?;
        let plan = self.project().plan()?;
        let mut model = ExportModel {
            title: format!("Handover — {}", site.name),
            accounts: Vec::new(),
        };
        let vault = self.vault()?;
        let listed = self.project().credentials()?;
        for c in listed {
            let Some(password) = self.secret(
                &vault,
                &entry(self.project_id(), c.device, &c.username, Slot::Current)?,
            )?
            else {
                continue;
            };
            let d = self.project().device(c.device)?;
            model.accounts.push(ExportAccount {
                site: site.name.clone(),
                vlan: plan
                    .vlan_for_address(d.address)
                    .map(|v| format!("VLAN {} {}", v.id, v.name)),
                title: format!("{} ({})", d.name(), c.device),
                url: d
                    .facts
                    .xaddr
                    .clone()
                    .unwrap_or_else(|| format!("http://{}/", d.address)),
                username: c.username.clone(),
                password,
                model: d.facts.model.clone(),
                serial: d.identity.serial.clone(),
                mac: d.identity.mac.map(|m| m.to_string()),
                extra_notes: Some(format!("Credential state: {}", c.state)),
            });
        }
        handover_vault::export_kdbx(path, &model, master, kdf)?;
        let n = model.accounts.len();
        // The file as written, so the report can name it for IT to check what they received.
        let sha256 = std::fs::read(path)
            .map(|b| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&b)))
            .map_err(|source| crate::error::Error::Io {
                path: path.to_owned(),
                source,
            })?;
        let actor = self.actor().clone();
        self.project_mut().record(
            &actor,
            "credentials.export",
            "project",
            serde_json::json!({
                "file": path.file_name().map(|f| f.to_string_lossy().into_owned()), "accounts": n,
                "sha256": sha256,
            }),
        )?;
        Ok(n)
    }
}
