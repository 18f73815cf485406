//! The IPC commands, one module per screen. Every command: deserialize a request, call one engine function
//! on a blocking thread (`state::AppState::with_session`), map errors to `CommandError`. Adding a screen for
//! a new engine function = a DTO in `dto/`, a module here, one line in [`handler`], and the type names in
//! `crate::bindings`.

pub mod bulk;
pub mod catalogs;
pub mod checks;
pub mod credentials;
pub mod devices;
pub mod discover;
pub mod firmware;
pub mod handover;
pub mod listen;
pub mod on_site;
pub mod plan;
pub mod project;
pub mod review;
pub mod switches;
pub mod system;

/// The invoke handler with every command.
pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        system::app_info,
        system::keyring_status,
        system::cancel_job,
        project::create_project,
        project::open_project,
        project::close_project,
        project::project_status,
        project::recent_projects,
        project::forget_recent,
        project::verify_audit,
        project::audit_log,
        plan::get_plan,
        plan::preview_plan_csv,
        plan::import_plan_csv,
        discover::run_discovery,
        discover::add_device,
        devices::list_devices,
        devices::device_detail,
        devices::forget_certificate,
        devices::rename_device,
        devices::list_credentials,
        devices::import_labels,
        on_site::copy_password,
        on_site::open_web_page,
        credentials::custody_overview,
        credentials::find_defaults,
        credentials::rotate_credentials,
        credentials::recover_credentials,
        credentials::set_credential,
        credentials::export_credentials,
        credentials::device_accounts,
        credentials::remove_account,
        credentials::create_service_account,
        listen::listener_status,
        checks::list_findings,
        checks::run_checks,
        checks::waive_finding,
        checks::fix_preview,
        checks::fix_finding,
        catalogs::catalog_status,
        catalogs::import_catalog,
        firmware::firmware_plan,
        firmware::set_firmware_folder,
        firmware::accept_firmware_image,
        firmware::upgrade_firmware,
        firmware::recover_firmware,
        bulk::fix_plan,
        bulk::fix_findings,
        bulk::waive_findings,
        bulk::identify_devices,
        bulk::unidentified_hosts,
        handover::signing_identity,
        handover::create_signing_identity,
        handover::import_signing_identity,
        handover::write_report,
        review::verify_report,
        review::export_csv,
        switches::add_switch,
        switches::list_switches,
        switches::query_switches,
    ]
}
