//! Switches panel: managed switches for layer-2 truth over SNMP. Add one (its community or v3 passwords are
//! sealed into the project by the engine and never sent back), list them, and ask them where each device's MAC
//! was learned (`Session::query_switches`) as a cancellable job. The CLI's `handover switch add|list|query`.

use tauri::{AppHandle, State};

use handover_engine::switch::SwitchCredentials;
use handover_engine::vault::SecretString;

use crate::dto::{AddSwitchRequest, JobRequest, SwitchDto, SwitchFailureDto, SwitchQueryDto};
use crate::error::{AppError, CmdResult};
use crate::jobs::Jobs;
use crate::state::AppState;

/// The credentials a request carries, as secrets; refuses an empty one naming what to type.
fn credentials(req: AddSwitchRequest) -> Result<(String, String, SwitchCredentials), AppError> {
    let AddSwitchRequest {
        name,
        address,
        v3_user,
        community,
        auth,
        privacy,
    } = req;
    let (community, auth, privacy) = (
        SecretString::new(community),
        SecretString::new(auth),
        SecretString::new(privacy),
    );
    let (name, address) = (name.trim().to_owned(), address.trim().to_owned());
    if name.is_empty() || address.is_empty() {
        return Err(AppError::Invalid(
            "give the switch a name and its SNMP address (such as 10.0.0.2:161)".into(),
        ));
    }
    let creds = match v3_user
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
    {
        None if community.expose().is_empty() => {
            return Err(AppError::Invalid(
                "type the switch's SNMPv2c community, or an SNMPv3 user with its passwords".into(),
            ));
        }
        None => SwitchCredentials::V2c(community),
        Some(_) if auth.expose().is_empty() || privacy.expose().is_empty() => {
            return Err(AppError::Invalid(
                "SNMPv3 needs both the authentication and the privacy password".into(),
            ));
        }
        Some(user) => SwitchCredentials::V3 {
            user,
            auth,
            privacy,
        },
    };
    Ok((name, address, creds))
}

/// Adds (or updates) a switch; its credentials are sealed into the project. Returns the switches.
#[tauri::command]
pub async fn add_switch(
    state: State<'_, AppState>,
    req: AddSwitchRequest,
) -> CmdResult<Vec<SwitchDto>> {
    let (name, address, creds) = credentials(req)?;
    state
        .with_session(move |s| {
            s.add_switch(&name, &address, &creds)?;
            list(s)
        })
        .await
}

fn list(s: &handover_engine::Session) -> Result<Vec<SwitchDto>, AppError> {
    Ok(s.switches()?
        .into_iter()
        .map(|w| SwitchDto {
            name: w.name,
            address: w.address,
            version: w.version,
            v3_user: w.v3_user,
        })
        .collect())
}

/// The switches in the project (no secret).
#[tauri::command]
pub async fn list_switches(state: State<'_, AppState>) -> CmdResult<Vec<SwitchDto>> {
    state.with_session(list).await
}

/// Asks every switch where each device's MAC was learned and records the ports, as a job. A cancel stops the
/// questions; nothing is recorded then (the ports are written together at the end).
#[tauri::command]
pub async fn query_switches(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: JobRequest,
) -> CmdResult<SwitchQueryDto> {
    let mut job = jobs.start(&app, &req.job, "Asking the switches")?;
    let token = job.token();
    let result = state
        .with_session(move |s| {
            let total = s.switches()?.len() as u64;
            if total == 0 {
                return Err(AppError::Invalid(
                    "there are no switches yet: add one with its SNMP address and community".into(),
                ));
            }
            job.progress(0, total, "");
            let o = crate::state::run(token.run_until_cancelled(s.query_switches()))
                .ok_or(AppError::Cancelled)??;
            job.progress(total, total, &format!("{} answered", o.answered));
            Ok(SwitchQueryDto {
                answered: o.answered,
                failed: o
                    .failed
                    .into_iter()
                    .map(|(name, why)| SwitchFailureDto { name, why })
                    .collect(),
                located: o.located,
                not_seen: o.not_seen,
            })
        })
        .await;
    jobs.finish(&req.job);
    result
}

#[cfg(test)]
mod tests {
    use super::credentials;
    use crate::dto::AddSwitchRequest;
    use handover_engine::switch::SwitchCredentials;

    fn req(user: Option<&str>, community: &str, auth: &str, privacy: &str) -> AddSwitchRequest {
        AddSwitchRequest {
            name: " core ".into(),
            address: "10.0.0.2:161".into(),
            v3_user: user.map(str::to_owned),
            community: community.into(),
            auth: auth.into(),
            privacy: privacy.into(),
        }
    }

    #[test]
    fn a_community_makes_v2c_and_a_user_makes_v3() {
        let (name, _, c) = credentials(req(None, "private", "", "")).unwrap();
        assert_eq!(name, "core");
        assert!(matches!(c, SwitchCredentials::V2c(s) if s.expose() == "private"));
        let (_, _, c) = credentials(req(Some(" ops "), "", "a-pass", "p-pass")).unwrap();
        assert!(matches!(c, SwitchCredentials::V3 { user, .. } if user == "ops"));
    }

    #[test]
    fn missing_secrets_are_refused_saying_what_to_type() {
        let e = credentials(req(None, "", "", "")).unwrap_err().to_string();
        assert!(e.contains("community"), "{e}");
        let e = credentials(req(Some("ops"), "", "a", ""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("privacy"), "{e}");
    }

    #[test]
    fn the_request_debug_shows_no_secret() {
        let shown = format!(
            "{:?}",
            req(Some("ops"), "c0mmunity", "auth-s3cret", "priv-s3cret")
        );
        assert!(
            !shown.contains("s3cret") && !shown.contains("c0mmunity"),
            "{shown}"
        );
    }
}
