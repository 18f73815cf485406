"""The third-party side of the benchmark: onvif-zeep (installed by scripts/setup-sim-tools.sh) doing the
same work as handover-devices' Basic identification -- GetSystemDateAndTime, then an authenticated
GetDeviceInformation -- for every device service URL read from stdin (one "http://host:port/..." per
line), one device after another (the library is synchronous). Prints one JSON line with the figures.
onvif-zeep's ONVIFCamera constructor also sends GetCapabilities; that request is counted in its time."""
import json, resource, sys, time
from urllib.parse import urlparse

from onvif import ONVIFCamera

user, password = sys.argv[1], sys.argv[2]
urls = [l.strip() for l in sys.stdin if l.strip()]
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.monotonic()
ok = 0
errors = 0
for u in urls:
    p = urlparse(u)
    try:
        cam = ONVIFCamera(p.hostname, p.port or 80, user, password)
        cam.devicemgmt.GetSystemDateAndTime()
        info = cam.devicemgmt.GetDeviceInformation()
        if info.SerialNumber:
            ok += 1
    except Exception as e:  # noqa: BLE001 - counted, the run goes on
        errors += 1
        if errors <= 3:
            print(f"zeep error on {u}: {e}", file=sys.stderr)
elapsed = time.monotonic() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(json.dumps({"devices": len(urls), "ok": ok, "errors": errors, "seconds": elapsed, "cpu_seconds": cpu,
                  "maxrss_kib": r1.ru_maxrss}))
