// Typed wrappers over the Tauri commands (one line each; the types come from ./bindings, generated from the
// Rust DTOs). Every rejection is normalised to a CommandError {code, message, hint}.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AccountsDto } from './bindings/AccountsDto';
import type { AddSwitchRequest } from './bindings/AddSwitchRequest';
import type { CatalogsDto } from './bindings/CatalogsDto';
import type { LabelsOutcomeDto } from './bindings/LabelsOutcomeDto';
import type { SwitchDto } from './bindings/SwitchDto';
import type { SwitchQueryDto } from './bindings/SwitchQueryDto';
import type { AppInfo } from './bindings/AppInfo';
import type { AuditDto } from './bindings/AuditDto';
import type { AuditEntryDto } from './bindings/AuditEntryDto';
import type { CheckSummaryDto } from './bindings/CheckSummaryDto';
import type { CopiedDto } from './bindings/CopiedDto';
import type { CreateProjectRequest } from './bindings/CreateProjectRequest';
import type { CredentialDto } from './bindings/CredentialDto';
import type { CustodyJobRequest } from './bindings/CustodyJobRequest';
import type { CustodyOverview } from './bindings/CustodyOverview';
import type { DeviceHeard } from './bindings/DeviceHeard';
import type { DeviceDetail } from './bindings/DeviceDetail';
import type { DiscoverRequest } from './bindings/DiscoverRequest';
import type { DiscoverSummaryDto } from './bindings/DiscoverSummaryDto';
import type { DeviceRow } from './bindings/DeviceRow';
import type { ExportOutcomeDto } from './bindings/ExportOutcomeDto';
import type { ExportRequest } from './bindings/ExportRequest';
import type { FindDefaultsDto } from './bindings/FindDefaultsDto';
import type { FindingDto } from './bindings/FindingDto';
import type { FixOutcomeDto } from './bindings/FixOutcomeDto';
import type { FixManyDto } from './bindings/FixManyDto';
import type { FixPlanDto } from './bindings/FixPlanDto';
import type { FixPreview } from './bindings/FixPreview';
import type { IdentifyDto } from './bindings/IdentifyDto';
import type { IdentityDto } from './bindings/IdentityDto';
import type { KeyringStatus } from './bindings/KeyringStatus';
import type { ListenerStatus } from './bindings/ListenerStatus';
import type { RecoverDto } from './bindings/RecoverDto';
import type { RenameRequest } from './bindings/RenameRequest';
import type { RotateDto } from './bindings/RotateDto';
import type { SetCredentialRequest } from './bindings/SetCredentialRequest';
import type { WebPageDto } from './bindings/WebPageDto';
import type { ReportOutcomeDto } from './bindings/ReportOutcomeDto';
import type { WriteReportRequest } from './bindings/WriteReportRequest';
import type { OpenProjectRequest } from './bindings/OpenProjectRequest';
import type { PlanDto } from './bindings/PlanDto';
import type { PlanPreview } from './bindings/PlanPreview';
import type { ProgressEvent } from './bindings/ProgressEvent';
import type { RecentProject } from './bindings/RecentProject';
import type { ReviewDto } from './bindings/ReviewDto';
import type { ReviewRequest } from './bindings/ReviewRequest';
import type { StatusDto } from './bindings/StatusDto';
import type { UnidentifiedHostDto } from './bindings/UnidentifiedHostDto';
import type { WaiveRequest } from './bindings/WaiveRequest';
import type { ExportCsvDto } from './bindings/ExportCsvDto';
import type { FirmwareImageDto } from './bindings/FirmwareImageDto';
import type { FirmwarePlanDto } from './bindings/FirmwarePlanDto';
import type { FirmwareRecoverDto } from './bindings/FirmwareRecoverDto';
import type { FirmwareUpgradeDto } from './bindings/FirmwareUpgradeDto';
import type { FirmwareUpgradeRequest } from './bindings/FirmwareUpgradeRequest';
import type { ExportCsvRequest } from './bindings/ExportCsvRequest';
import { toCommandError } from './errors';

/** A waiver's terms as both waive commands take them (generated from the Rust request). */
export type WaiverTerms = Omit<WaiveRequest, 'id'>;

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toCommandError(e);
  }
}

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  keyringStatus: () => call<KeyringStatus>('keyring_status'),
  cancelJob: (job: string) => call<boolean>('cancel_job', { job }),

  createProject: (req: CreateProjectRequest) => call<StatusDto>('create_project', { req }),
  openProject: (req: OpenProjectRequest) => call<StatusDto>('open_project', { req }),
  closeProject: () => call<void>('close_project'),
  status: () => call<StatusDto>('project_status'),
  recentProjects: () => call<RecentProject[]>('recent_projects'),
  forgetRecent: (path: string) => call<RecentProject[]>('forget_recent', { path }),
  verifyAudit: () => call<AuditDto>('verify_audit'),
  auditLog: (before: number | null, limit: number) =>
    call<AuditEntryDto[]>('audit_log', { req: { before, limit } }),

  plan: () => call<PlanDto>('get_plan'),
  previewPlan: (path: string) => call<PlanPreview>('preview_plan_csv', { req: { path } }),
  importPlan: (path: string) => call<PlanDto>('import_plan_csv', { req: { path } }),

  discover: (req: DiscoverRequest) => call<DiscoverSummaryDto>('run_discovery', { req }),
  addDevice: (job: string, address: string) => call<DeviceDetail>('add_device', { req: { job, address } }),

  devices: () => call<DeviceRow[]>('list_devices'),
  device: (id: number) => call<DeviceDetail>('device_detail', { req: { id } }),
  forgetCertificate: (id: number) => call<DeviceDetail>('forget_certificate', { req: { id } }),
  renameDevice: (req: RenameRequest) => call<DeviceDetail>('rename_device', { req }),
  copyPassword: (device: number, user: string | null) => call<CopiedDto>('copy_password', { req: { device, user } }),
  openWebPage: (id: number) => call<WebPageDto>('open_web_page', { req: { id } }),
  credentials: () => call<CredentialDto[]>('list_credentials'),
  importLabels: (path: string) => call<LabelsOutcomeDto>('import_labels', { req: { path } }),

  switches: () => call<SwitchDto[]>('list_switches'),
  addSwitch: (req: AddSwitchRequest) => call<SwitchDto[]>('add_switch', { req }),
  querySwitches: (job: string) => call<SwitchQueryDto>('query_switches', { req: { job } }),

  catalogs: () => call<CatalogsDto>('catalog_status'),
  importCatalog: (path: string) => call<CatalogsDto>('import_catalog', { req: { path } }),

  custody: () => call<CustodyOverview>('custody_overview'),
  findDefaults: (req: CustodyJobRequest) => call<FindDefaultsDto>('find_defaults', { req }),
  rotate: (req: CustodyJobRequest) => call<RotateDto>('rotate_credentials', { req }),
  recover: (job: string) => call<RecoverDto>('recover_credentials', { req: { job } }),
  setCredential: (req: SetCredentialRequest) => call<CustodyOverview>('set_credential', { req }),
  exportCredentials: (req: ExportRequest) => call<ExportOutcomeDto>('export_credentials', { req }),
  accounts: (id: number) => call<AccountsDto>('device_accounts', { req: { id } }),
  removeAccount: (device: number, user: string) => call<AccountsDto>('remove_account', { req: { device, user } }),
  createServiceAccount: (device: number, user: string) => call<AccountsDto>('create_service_account', { req: { device, user } }),
  listenerStatus: () => call<ListenerStatus>('listener_status'),

  findings: () => call<FindingDto[]>('list_findings'),
  runChecks: (job: string) => call<CheckSummaryDto>('run_checks', { req: { job } }),
  fixPreview: (id: number) => call<FixPreview>('fix_preview', { req: { id } }),
  fix: (id: number) => call<FixOutcomeDto>('fix_finding', { req: { id } }),
  waive: (id: number, terms: WaiverTerms) => call<FindingDto>('waive_finding', { req: { id, ...terms } }),

  fixPlan: (devices: number[]) => call<FixPlanDto>('fix_plan', { req: { devices } }),
  fixMany: (job: string, findings: number[]) => call<FixManyDto>('fix_findings', { req: { job, findings } }),
  waiveMany: (findings: number[], terms: WaiverTerms) => call<number>('waive_findings', { req: { findings, ...terms } }),
  identify: (job: string, devices: number[]) => call<IdentifyDto>('identify_devices', { req: { job, devices } }),
  unidentifiedHosts: () => call<UnidentifiedHostDto[]>('unidentified_hosts'),

  signingIdentity: () => call<IdentityDto | null>('signing_identity'),
  createIdentity: (name: string, organisation: string) => call<IdentityDto>('create_signing_identity', { req: { name, organisation } }),
  importIdentity: (path: string, password: string) => call<IdentityDto>('import_signing_identity', { req: { path, password } }),
  writeReport: (req: WriteReportRequest) => call<ReportOutcomeDto>('write_report', { req }),

  verifyReport: (req: ReviewRequest) => call<ReviewDto>('verify_report', { req }),
  exportCsv: (req: ExportCsvRequest) => call<ExportCsvDto>('export_csv', { req }),

  firmwarePlan: () => call<FirmwarePlanDto>('firmware_plan'),
  setFirmwareFolder: (path: string) => call<FirmwarePlanDto>('set_firmware_folder', { req: { path } }),
  acceptFirmwareImage: (file: string, reason: string) => call<FirmwareImageDto>('accept_firmware_image', { req: { file, reason } }),
  upgradeFirmware: (req: FirmwareUpgradeRequest) => call<FirmwareUpgradeDto>('upgrade_firmware', { req }),
  recoverFirmware: (job: string) => call<FirmwareRecoverDto>('recover_firmware', { req: { job } }),
};

export function onProgress(f: (ev: ProgressEvent) => void): Promise<UnlistenFn> {
  return listen<ProgressEvent>('progress', (e) => f(e.payload));
}

/** A device announced itself (Hello) or left (Bye) while the project is open; it is already recorded. */
export function onDeviceHeard(f: (ev: DeviceHeard) => void): Promise<UnlistenFn> {
  return listen<DeviceHeard>('device-heard', (e) => f(e.payload));
}

export function onListenerStatus(f: (s: ListenerStatus) => void): Promise<UnlistenFn> {
  return listen<ListenerStatus>('listener-status', (e) => f(e.payload));
}

let jobCounter = 0;
export function newJobId(kind: string): string {
  jobCounter += 1;
  return `${kind}-${Date.now()}-${jobCounter}`;
}
