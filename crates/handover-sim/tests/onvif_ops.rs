//! ONVIF device service operations against single simulated devices: identity, time, users with the
//! spec's faults, network settings, vendor quirks (Axis authenticates everything, Bosch SetUser,
//! Hikvision activation, generic factory-new CreateUsers).

use handover_test_support::soap as common;

use common::{call, call_digest, envelope, post};
use handover_sim::{FaultSpec, SimDevice, Vendor};

const GET_INFO: &str = "<tds:GetDeviceInformation/>";

#[tokio::test]
async fn thin_path_time_and_identity_with_username_token() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Generic)
        .password("Secret-1")
        .spawn()
        .await
        .unwrap();
    let r = post(
        dev.http_addr(),
        &envelope("", "<tds:GetSystemDateAndTime/>"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let year: i32 = r
        .text(&["SystemDateAndTime", "UTCDateTime", "Date", "Year"])
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(year, time::OffsetDateTime::now_utc().year());
    assert!(r.headers.get("date").is_some());

    let r = call(dev.http_addr(), "admin", "Secret-1", GET_INFO).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.text(&["Manufacturer"]).as_deref(), Some("Generic"));
    assert_eq!(r.text(&["Model"]).as_deref(), Some(dev.model()));
    assert_eq!(r.text(&["SerialNumber"]).as_deref(), Some(dev.serial()));

    let r = call(dev.http_addr(), "admin", "wrong", GET_INFO).await;
    assert_eq!(r.status, 400);
    assert!(r.is_fault("ter:NotAuthorized"), "{}", r.body);
    let r = post(dev.http_addr(), &envelope("", GET_INFO)).await;
    assert_eq!(
        r.status, 401,
        "digest-capable devices challenge anonymous calls"
    );
    assert_eq!(dev.counters().failed_logins, 1);
}

#[tokio::test]
async fn axis_authenticates_even_get_system_date_and_time() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Axis)
        .spawn()
        .await
        .unwrap();
    let r = post(
        dev.http_addr(),
        &envelope("", "<tds:GetSystemDateAndTime/>"),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = call(
        dev.http_addr(),
        "root",
        "pass",
        "<tds:GetSystemDateAndTime/>",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn hikvision_speaks_http_digest_only_md5_and_sha256() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hikvision)
        .password("Abcdef12")
        .spawn()
        .await
        .unwrap();
    let r = call(dev.http_addr(), "admin", "Abcdef12", GET_INFO).await;
    assert_eq!(r.status, 401, "WS-UsernameToken is ignored: {}", r.body);
    for sha in [false, true] {
        let r = call_digest(dev.http_addr(), None, "admin", "Abcdef12", GET_INFO, sha).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.text(&["Manufacturer"]).as_deref(), Some("HIKVISION"));
    }
    let r = call_digest(dev.http_addr(), None, "admin", "nope", GET_INFO, false).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn users_lifecycle_and_spec_faults() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hikvision)
        .password("Abcdef12")
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let create = |u: &str, p: &str| {
        format!(
            "<tds:CreateUsers><tds:User><tt:Username>{u}</tt:Username><tt:Password>{p}</tt:Password><tt:UserLevel>Operator</tt:UserLevel></tds:User></tds:CreateUsers>"
        )
    };
    let r = call_digest(
        a,
        None,
        "admin",
        "Abcdef12",
        &create("op1", "Opera7or!"),
        true,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call_digest(
        a,
        None,
        "admin",
        "Abcdef12",
        &create("op1", "Opera7or!"),
        true,
    )
    .await;
    assert!(r.is_fault("ter:UsernameClash"), "{}", r.body);
    let r = call_digest(
        a,
        None,
        "admin",
        "Abcdef12",
        &create("op2", "Abcdefgh12345678X"),
        true,
    )
    .await;
    assert!(r.is_fault("ter:PasswordTooLong"), "{}", r.body);
    let r = call_digest(a, None, "admin", "Abcdef12", &create("op3", "short"), true).await;
    assert!(r.is_fault("ter:PasswordTooWeak"), "{}", r.body);

    let set = |u: &str, p: &str| {
        format!(
            "<tds:SetUser><tds:User><tt:Username>{u}</tt:Username><tt:Password>{p}</tt:Password><tt:UserLevel>Administrator</tt:UserLevel></tds:User></tds:SetUser>"
        )
    };
    let r = call_digest(
        a,
        None,
        "admin",
        "Abcdef12",
        &set("ghost", "Abcdef12"),
        true,
    )
    .await;
    assert!(r.is_fault("ter:UsernameMissing"), "{}", r.body);
    let r = call_digest(
        a,
        None,
        "admin",
        "Abcdef12",
        &set("admin", "NewPass99"),
        true,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(dev.check_password("admin", "NewPass99"));
    assert_eq!(
        dev.password_hash("admin"),
        Some(handover_sim::password_hash("NewPass99"))
    );
    assert_eq!(dev.counters().set_user_calls, 2);
    let r = call_digest(a, None, "admin", "Abcdef12", GET_INFO, true).await;
    assert_eq!(r.status, 401, "old password refused after SetUser");

    let r = call_digest(a, None, "admin", "NewPass99", "<tds:GetUsers/>", true).await;
    let users: Vec<String> = r.xml().child("Body").unwrap().children[0]
        .children_named("User")
        .map(|u| u.text_at(&["Username"]).unwrap().to_string())
        .collect();
    assert_eq!(users, ["admin", "op1"]);
    let r = call_digest(a, None, "op1", "Opera7or!", "<tds:GetUsers/>", true).await;
    assert!(
        r.is_fault("ter:NotAuthorized"),
        "operators may not read users: {}",
        r.body
    );
    let r = call_digest(
        a,
        None,
        "admin",
        "NewPass99",
        "<tds:DeleteUsers><tds:Username>op1</tds:Username></tds:DeleteUsers>",
        true,
    )
    .await;
    assert_eq!(r.status, 200);
    let r = call_digest(
        a,
        None,
        "admin",
        "NewPass99",
        "<tds:DeleteUsers><tds:Username>op1</tds:Username></tds:DeleteUsers>",
        true,
    )
    .await;
    assert!(r.is_fault("ter:UsernameMissing"), "{}", r.body);
    assert_eq!(dev.users(), ["admin"]);
}

#[tokio::test]
async fn bosch_set_user_only_works_on_users_that_already_existed() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Bosch)
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let r = call(a, "service", "service", "<tds:CreateUsers><tds:User><tt:Username>tech</tt:Username><tt:Password>tech1</tt:Password><tt:UserLevel>Administrator</tt:UserLevel></tds:User></tds:CreateUsers>").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let set = |u: &str| {
        format!(
            "<tds:SetUser><tds:User><tt:Username>{u}</tt:Username><tt:Password>changed-1</tt:Password></tds:User></tds:SetUser>"
        )
    };
    let r = call(a, "service", "service", &set("tech")).await;
    assert!(r.is_fault("ter:FixedUser"), "{}", r.body);
    assert!(dev.check_password("tech", "tech1"));
    let r = call(a, "service", "service", &set("service")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(dev.check_password("service", "changed-1"));
    let r = call(a, "service", "changed-1", "<tds:SetUser><tds:User><tt:Username>service</tt:Username><tt:Password>twenty-characters-xx</tt:Password></tds:User></tds:SetUser>").await;
    assert!(
        r.is_fault("ter:PasswordTooLong"),
        "Bosch allows 19 characters: {}",
        r.body
    );
}

#[tokio::test]
async fn factory_new_generic_device_is_open_until_create_users_makes_the_first_admin() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Generic)
        .factory_new()
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    assert!(dev.users().is_empty());
    let r = post(a, &envelope("", GET_INFO)).await;
    assert_eq!(
        r.status, 200,
        "no users means no access control: {}",
        r.body
    );
    let r = post(a, &envelope("", "<tds:CreateUsers><tds:User><tt:Username>installer</tt:Username><tt:Password>First-pass1</tt:Password><tt:UserLevel>Administrator</tt:UserLevel></tds:User></tds:CreateUsers>")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(a, &envelope("", GET_INFO)).await;
    assert_eq!(r.status, 401, "now credentials are needed");
    let r = call(a, "installer", "First-pass1", GET_INFO).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn factory_new_hikvision_must_be_activated_first() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hikvision)
        .factory_new()
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    assert!(!dev.is_activated());
    let r = post(a, &envelope("", GET_INFO)).await;
    assert!(r.is_fault("ter:NotAuthorized"), "{}", r.body);
    let r = post(a, &envelope("", "<tds:GetSystemDateAndTime/>")).await;
    assert_eq!(r.status, 200, "pre-auth calls still answer");
    let r = post(a, &envelope("", "<tds:GetUsers/>")).await;
    assert!(
        r.is_fault("ter:NotAuthorized"),
        "not even a digest challenge before activation"
    );

    let put = |body: &str| {
        let body = body.to_string();
        async move {
            let stream = tokio::net::TcpStream::connect(a).await.unwrap();
            let (mut s, c) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .unwrap();
            tokio::spawn(c);
            let req = hyper::Request::put("/ISAPI/System/activate")
                .header("host", a.to_string())
                .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                .unwrap();
            s.send_request(req).await.unwrap().status().as_u16()
        }
    };
    assert_eq!(
        put("<ActivateInfo><password>weak</password></ActivateInfo>").await,
        400
    );
    assert_eq!(
        put("<ActivateInfo><password>Activ8ted!</password></ActivateInfo>").await,
        200
    );
    assert_eq!(
        put("<ActivateInfo><password>Activ8ted!</password></ActivateInfo>").await,
        403
    );
    assert!(dev.is_activated());
    let r = call_digest(a, None, "admin", "Activ8ted!", GET_INFO, true).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn network_settings_read_and_write() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Generic)
        .https(false)
        .ntp_set(false)
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let r = call(a, "admin", "admin", "<tds:GetNetworkProtocols/>").await;
    let protos: Vec<(String, String)> = r.xml().child("Body").unwrap().children[0]
        .children_named("NetworkProtocols")
        .map(|p| {
            (
                p.text_at(&["Name"]).unwrap().to_string(),
                p.text_at(&["Enabled"]).unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        protos.contains(&("HTTPS".into(), "false".into())),
        "{protos:?}"
    );
    let r = call(a, "admin", "admin", "<tds:GetNTP/>").await;
    assert!(
        r.xml()
            .path(&["Body", "GetNTPResponse", "NTPInformation", "NTPManual"])
            .is_none()
    );
    let r = call(a, "admin", "admin", "<tds:SetNTP><tds:FromDHCP>false</tds:FromDHCP><tds:NTPManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>127.20.0.3</tt:IPv4Address></tds:NTPManual></tds:SetNTP>").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(dev.ntp_servers(), ["127.20.0.3"]);
    let r = call(a, "admin", "admin", "<tds:SetNTP><tds:FromDHCP>false</tds:FromDHCP><tds:NTPManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>999.1.1.1</tt:IPv4Address></tds:NTPManual></tds:SetNTP>").await;
    assert!(r.is_fault("ter:InvalidArgVal"), "{}", r.body);
    let r = call(a, "admin", "admin", "<tds:SetNetworkProtocols><tds:NetworkProtocols><tt:Name>HTTPS</tt:Name><tt:Enabled>true</tt:Enabled><tt:Port>443</tt:Port></tds:NetworkProtocols></tds:SetNetworkProtocols>").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(a, "admin", "admin", "<tds:SetDiscoveryMode><tds:DiscoveryMode>NonDiscoverable</tds:DiscoveryMode></tds:SetDiscoveryMode>").await;
    assert_eq!(r.status, 200);
    assert!(!dev.is_discoverable());
    let r = call(a, "admin", "admin", "<tds:GetDiscoveryMode/>").await;
    assert_eq!(
        r.text(&["DiscoveryMode"]).as_deref(),
        Some("NonDiscoverable")
    );
    let r = call(a, "admin", "admin", "<tds:GetNetworkInterfaces/>").await;
    assert_eq!(
        r.text(&["NetworkInterfaces", "Info", "HwAddress"]),
        Some(dev.mac())
    );
    for op in [
        "GetNetworkDefaultGateway",
        "GetDNS",
        "GetHostname",
        "GetScopes",
        "GetServices",
        "GetCapabilities",
    ] {
        let r = call(a, "admin", "admin", &format!("<tds:{op}/>")).await;
        assert_eq!(r.status, 200, "{op}: {}", r.body);
    }
    let r = call(a, "admin", "admin", "<tds:GetScopes/>").await;
    assert!(
        r.body.contains("onvif://www.onvif.org/type/camera"),
        "{}",
        r.body
    );
    let r = call(a, "admin", "admin", "<tds:UpgradeSystemFirmware/>").await;
    assert!(r.is_fault("ter:ActionNotSupported"), "{}", r.body);
    let r = call(
        a,
        "admin",
        "admin",
        "<tds:GetServices><tds:IncludeCapability>true</tds:IncludeCapability></tds:GetServices>",
    )
    .await;
    assert!(r.body.contains("MaxPasswordLength=\"64\""), "{}", r.body);
    let _ = FaultSpec::default();
}
