//! Discover screen: the engine's discovery (sweeps of the plan's subnets and typed ranges, multicast
//! WS-Discovery, then identification) as a cancellable job with progress events, and adding one device by
//! address (`Session::add_manual`, the CLI's `handover add`). What was found before a cancel is kept.

use tauri::{AppHandle, State};

use handover_engine::discover::DiscoverOptions;

use crate::dto::{
    AddDeviceRequest, DeviceDetail, DiscoverRequest, DiscoverSummaryDto, SubnetLineDto,
};
use crate::error::{AppError, CmdResult};
use crate::jobs::Jobs;
use crate::state::{AppState, run};

/// Parses the typed ranges ("10.20.0.0/24"), naming the first bad one.
pub fn ranges(typed: &[String]) -> Result<Vec<ipnet::Ipv4Net>, AppError> {
    typed
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .map(|r| {
            r.parse().map_err(|_| {
                AppError::Invalid(format!(
                    "{r:?} is not an IPv4 range in CIDR form (e.g. 10.20.0.0/24)"
                ))
            })
        })
        .collect()
}

/// Finds and identifies devices; progress as `progress` events, cancellable with `cancel_job`.
#[tauri::command]
pub async fn run_discovery(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: DiscoverRequest,
) -> CmdResult<DiscoverSummaryDto> {
    let opts = DiscoverOptions {
        sweep_plan: req.sweep_plan,
        multicast: req.multicast,
        ranges: ranges(&req.ranges)?,
        ..DiscoverOptions::default()
    };
    let job = jobs.start(&app, &req.job, "Discovering devices")?;
    let (token, sink) = (job.token(), job.engine_sink());
    let result = state
        .with_session(move |s| {
            let _job = job;
            let o = run(s.discover(&opts, &token, &sink))?;
            Ok(DiscoverSummaryDto {
                found: o.found,
                new: o.new,
                moved: o.moved,
                identified: o.identified,
                unidentified: o.unidentified.into_iter().map(|(a, b)| [a, b]).collect(),
                subnets: o
                    .subnets
                    .into_iter()
                    .map(|l| SubnetLineDto {
                        subnet: l.subnet,
                        outcome: l.outcome,
                        detail: l.detail,
                    })
                    .collect(),
            })
        })
        .await;
    jobs.finish(&req.job);
    result
}

/// Adds a device by address (IP, `host:port` or its device service URL) and identifies it, as a job. Returns
/// the device as the details panel shows it.
#[tauri::command]
pub async fn add_device(
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    req: AddDeviceRequest,
) -> CmdResult<DeviceDetail> {
    let address = req.address.trim().to_owned();
    if address.is_empty() {
        return Err(AppError::Invalid(
            "type the device's address: an IP (10.20.0.15), host:port, or its ONVIF service URL"
                .into(),
        )
        .into());
    }
    let job = jobs.start(&app, &req.job, "Adding a device")?;
    let (token, sink) = (job.token(), job.engine_sink());
    let result = state
        .with_session(move |s| {
            let _job = job;
            let id = run(token.run_until_cancelled(s.add_manual(&address, &sink)))
                .ok_or(AppError::Cancelled)??;
            super::devices::detail(s, id)
        })
        .await;
    jobs.finish(&req.job);
    result
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn typed_ranges_are_cidr_or_refused() {
        let ok = ranges(&["10.20.0.0/24".into(), " ".into(), "127.30.0.0/28 ".into()]).unwrap();
        assert_eq!(ok.len(), 2);
        let e = ranges(&["10.20.0.0/24".into(), "10.20.0.300/24".into()]).unwrap_err();
        assert!(e.to_string().contains("10.20.0.300/24"), "{e}");
        assert!(ranges(&[]).unwrap().is_empty());
    }
}
