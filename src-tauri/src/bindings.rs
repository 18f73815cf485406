//! The TypeScript bindings: every IPC type, exported with ts-rs into `ui/src/lib/bindings/` (one `.ts` file
//! per type). `tests/bindings.rs` regenerates them into a temporary folder and fails when the checked-in files
//! differ; run it with `UPDATE_BINDINGS=1` to rewrite them after changing a DTO.
//!
//! Why ts-rs rather than specta/tauri-specta: ts-rs is a stable 1-derive crate that only describes types; the
//! command wrappers in `ui/src/lib/api.ts` are a dozen typed lines, and tauri-specta 2 is still a release
//! candidate whose macros wrap the command handler.

use std::path::Path;

use ts_rs::TS;

use crate::dto::*;
use crate::error::CommandError;

/// Exports every root type (and what it refers to) into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all_to(dir)?; )* };
    }
    export!(
        CommandError,
        AppInfo,
        KeyringStatus,
        ProgressEvent,
        DiscoverRequest,
        DiscoverSummaryDto,
        CreateProjectRequest,
        OpenProjectRequest,
        StatusDto,
        RecentProject,
        AuditDto,
        AuditEntryDto,
        AuditLogRequest,
        PathRequest,
        PlanDto,
        PlanPreview,
        DeviceRow,
        DeviceDetail,
        DeviceRequest,
        RenameRequest,
        CopyPasswordRequest,
        CopiedDto,
        WebPageDto,
        CredentialDto,
        FindingDto,
        CheckSummaryDto,
        JobRequest,
        WaiveRequest,
        FindingRequest,
        FixPreview,
        FixOutcomeDto,
        IdentityDto,
        CreateIdentityRequest,
        WriteReportRequest,
        ReportOutcomeDto,
        ReviewRequest,
        ReviewDto,
        ExportCsvRequest,
        ExportCsvDto,
        FirmwarePlanDto,
        AcceptImageRequest,
        FirmwareImageDto,
        FirmwareUpgradeRequest,
        FirmwareUpgradeDto,
        FirmwareRecoverDto,
        CustodyOverview,
        CustodyJobRequest,
        FindDefaultsDto,
        RotateDto,
        RecoverDto,
        SetCredentialRequest,
        ExportRequest,
        ExportOutcomeDto,
        AccountsDto,
        AccountRequest,
        ListenerStatus,
        DeviceHeard,
        FixPlanRequest,
        FixPlanDto,
        FixManyRequest,
        FixManyDto,
        WaiveManyRequest,
        IdentifyRequest,
        IdentifyDto,
        UnidentifiedHostDto,
        AddDeviceRequest,
        LabelsOutcomeDto,
        UnmatchedLabelDto,
        ImportIdentityRequest,
        AddSwitchRequest,
        SwitchDto,
        SwitchFailureDto,
        SwitchQueryDto,
        CatalogDto,
        IgnoredCatalogDto,
        CatalogsDto,
    );
    Ok(())
}
