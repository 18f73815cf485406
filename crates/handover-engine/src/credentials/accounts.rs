//! The accounts on a device: list them, remove ones Handover does not hold (never the one it holds), and
//! create a least-privilege account for the VMS with its own password, kept in the keyring before the device
//! is asked to create it, and proven afterwards. Either change is sent only after the device re-proved, on the
//! same authenticated session, that it is the device the project knows.

use handover_devices::{LoginCheck, NewUser, Password, UserLevel};
use handover_model::{CredentialRef, CredentialState, DeviceId};
use handover_store::devices::Sighting;
use handover_vault::{PasswordPolicy, Slot};

use super::{device_policy, entry, try_login};
use crate::error::{Error, Result};
use crate::facts;
use crate::session::Session;

impl Session {
    fn admin_session(
        &self,
        device: DeviceId,
    ) -> Result<(handover_devices::OnvifSession, String, String)> {
        let d = self.project().device(device)?;
        let xaddr = d.facts.xaddr.clone().ok_or_else(|| {
            Error::Invalid(format!(
                "{device} has no ONVIF address yet: run `handover discover`"
            ))
        })?;
        let vault = self.vault()?;
        let creds = self.held_credentials(&vault, device)?.ok_or_else(|| {
            Error::Invalid(format!(
                "Handover holds no password for {device}: take custody first"
            ))
        })?;
        let user = creds.username.clone();
        let client = self.client();
        crate::pins::pin(client, &d);
        Ok((client.session(&xaddr, Some(creds))?, xaddr, user))
    }

    /// Identity before trust, for a change to the device's accounts: on the authenticated session (its clock
    /// read first), the device must still be the one the project knows (serial, MAC); otherwise the refusal is
    /// audited and nothing is sent.
    async fn same_device_or_refuse(
        &self,
        session: &handover_devices::OnvifSession,
        device: DeviceId,
        action: &str,
    ) -> Result<()> {
        let _ = session.system_date_and_time().await;
        let d = self.project().device(device)?;
        let Some(why) =
            super::same_device(session, d.identity.serial.as_deref(), d.identity.mac).await?
        else {
            return Ok(());
        };
        let actor = self.actor().clone();
        self.project_mut().record(
            &actor,
            "account.identity-refused",
            &device.to_string(),
            serde_json::json!({ "action": action, "why": why }),
        )?;
        Err(Error::Invalid(format!(
            "{device}: {why}; nothing was sent: find out which device answers at this address"
        )))
    }

    async fn refresh_users(
        &self,
        session: &handover_devices::OnvifSession,
        device: DeviceId,
    ) -> Result<Vec<handover_model::DeviceUser>> {
        let users = facts::users(&session.users().await?);
        let f = handover_model::DeviceFacts {
            users: users.clone(),
            ..handover_model::DeviceFacts::default()
        };
        self.record_sightings(vec![Sighting {
            device: Some(device),
            facts: f,
            ..Sighting::default()
        }])?;
        Ok(users)
    }

    /// The accounts `users` of `device` as every front end shows them (see [`crate::view::accounts`]): which
    /// Handover holds, which are administrators it does not hold, which carry a vendor's factory name.
    pub fn account_view(
        &self,
        device: DeviceId,
        users: &[handover_model::DeviceUser],
    ) -> Result<Vec<crate::view::Account>> {
        let catalogs = self.catalogs_in_use()?;
        let d = self.project().device(device)?;
        let held: Vec<String> = self
            .project()
            .credentials()?
            .into_iter()
            .filter(|c| c.device == device && c.state != CredentialState::Unknown)
            .map(|c| c.username)
            .collect();
        let factory: Vec<String> = catalogs
            .defaults
            .attempt_plan(&d.facts, d.identity.mac)
            .candidates
            .into_iter()
            .map(|c| c.user)
            .collect();
        Ok(crate::view::accounts(users, &held, &factory))
    }

    /// The accounts on the device, read with the password Handover holds (and recorded for the checks).
    pub async fn accounts(&self, device: DeviceId) -> Result<Vec<handover_model::DeviceUser>> {
        let (session, _, _) = self.admin_session(device)?;
        let _ = session.system_date_and_time().await;
        self.refresh_users(&session, device).await
    }

    /// Removes an account Handover does not hold; read back to prove it is gone.
    pub async fn remove_account(&self, device: DeviceId, user: &str) -> Result<()> {
        let _one_at_a_time = self.exclusive().await;
        let (session, _, held) = self.admin_session(device)?;
        if held == user {
            return Err(Error::Invalid(format!(
                "{user} is the account Handover holds for {device}; it cannot remove it"
            )));
        }
        self.same_device_or_refuse(&session, device, "remove")
            .await?;
        session.delete_users(&[user]).await?;
        let users = self.refresh_users(&session, device).await?;
        if users.iter().any(|u| u.username == user) {
            return Err(Error::Invalid(format!(
                "{device} still lists {user} after DeleteUsers"
            )));
        }
        let actor = self.actor().clone();
        self.project_mut().record(
            &actor,
            "account.remove",
            &device.to_string(),
            serde_json::json!({ "user": user }),
        )?;
        Ok(())
    }

    /// Creates an Operator-level account for the VMS with a new password (keyring first, then the device), and
    /// proves it logs in.
    pub async fn create_service_account(&self, device: DeviceId, user: &str) -> Result<()> {
        let _one_at_a_time = self.exclusive().await;
        let (session, xaddr, _) = self.admin_session(device)?;
        self.same_device_or_refuse(&session, device, "create")
            .await?;
        let d = self.project().device(device)?;
        let rules = self
            .catalogs_in_use()?
            .defaults
            .attempt_plan(&d.facts, d.identity.mac)
            .password_rules;
        let limit = session
            .password_limits()
            .await
            .ok()
            .and_then(|l| l.max_password_length);
        let policy = device_policy(
            &device_policy(&PasswordPolicy::default(), rules.as_ref(), None),
            None,
            limit,
        );
        let password = handover_vault::generate_os(&policy)?.password;
        // Sealed into the project before the device is asked, so a crash never leaves an account whose password
        // nobody has.
        let vault = self.vault()?;
        let sealed = crate::sealed::seal(
            &vault,
            &entry(self.project_id(), device, user, Slot::Current)?,
            &password,
        )?;
        let actor = self.actor().clone();
        self.project_mut().write_secrets(
            &[sealed],
            None,
            "account.create-intent",
            &device.to_string(),
            &actor,
        )?;
        session
            .create_users(&[NewUser {
                username: user.to_owned(),
                password: Password::new(password.expose().clone()),
                level: UserLevel::Operator,
            }])
            .await?;
        match try_login(self.client(), &xaddr, user, &password).await? {
            LoginCheck::Accepted { .. } => {}
            other => {
                return Err(Error::Invalid(format!(
                    "{device} created {user} but does not accept its password ({:?})",
                    other.outcome()
                )));
            }
        }
        self.refresh_users(&session, device).await?;
        let cref = CredentialRef {
            device,
            username: user.to_owned(),
            state: CredentialState::ServiceAccount,
            matched_default: None,
            rotated_at: Some(self.project().now()),
            rotated_by: Some(actor.0.clone()),
        };
        self.project_mut()
            .put_credential(&cref, "account.create", &actor)?;
        Ok(())
    }
}
