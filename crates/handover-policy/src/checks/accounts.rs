//! Accounts: administrator accounts on the device other than the ones Handover holds.

use handover_model::Severity;

use super::{Context, Evaluation};

pub(super) fn check(ctx: Context<'_>, ev: &mut Evaluation) {
    let users = &ctx.device.facts.users;
    if users.is_empty() || ctx.credentials.is_empty() {
        return;
    }
    ev.ran("accounts.extra-admin");
    let held = |name: &str| ctx.credentials.iter().any(|c| c.username == name);
    let extra: Vec<&str> = users
        .iter()
        .filter(|u| u.level.eq_ignore_ascii_case("Administrator") && !held(&u.username))
        .map(|u| u.username.as_str())
        .collect();
    if !extra.is_empty() {
        ev.raise(
            "accounts.extra-admin",
            Severity::Medium,
            format!("Administrator accounts Handover does not hold: {}", extra.join(", ")),
            format!(
                "GetUsers lists {} administrator account(s) whose passwords are not in custody. Remove them or \
                 take custody of them.",
                extra.len()
            ),
            None,
        );
    }
}
