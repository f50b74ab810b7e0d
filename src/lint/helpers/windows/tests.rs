use super::*;

fn ps51() -> TopShell {
    TopShell {
        dialect: WinDialect::PowerShell { core: false },
        preset_stop: false,
        preset_progress: false,
    }
}
fn cmd() -> TopShell {
    TopShell {
        dialect: WinDialect::Cmd,
        preset_stop: false,
        preset_progress: false,
    }
}
fn names(a: &Analysis) -> Vec<String> {
    a.cmds.iter().map(|c| c.name().into_owned()).collect()
}

#[test]
fn families_and_builds() {
    assert_eq!(
        image_family("mcr.microsoft.com/windows/nanoserver:ltsc2022"),
        Some(WinFamily::NanoServer)
    );
    assert_eq!(
        image_family("mcr.microsoft.com/windows/servercore:ltsc2019"),
        Some(WinFamily::ServerCore)
    );
    assert_eq!(
        image_family("mcr.microsoft.com/dotnet/framework/aspnet:4.8"),
        Some(WinFamily::ServerCore)
    );
    assert_eq!(
        image_family("mcr.microsoft.com/powershell:lts-windowsservercore-ltsc2022"),
        Some(WinFamily::ServerCore)
    );
    assert_eq!(
        image_family("mcr.microsoft.com/windows/server:ltsc2022"),
        Some(WinFamily::Server)
    );
    assert_eq!(
        image_family("mcr.microsoft.com/windows:1809"),
        Some(WinFamily::Windows)
    );
    assert_eq!(
        image_family("mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022"),
        Some(WinFamily::NanoServer)
    );
    assert_eq!(image_family("ubuntu:22.04"), None);
    assert_eq!(
        image_build("mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2019")
            .map(|b| b.build),
        Some(17763)
    );
    assert_eq!(
        image_build("mcr.microsoft.com/windows/nanoserver:1809").map(|b| b.build),
        Some(17763)
    );
    assert_eq!(
        image_build("mcr.microsoft.com/windows/servercore:10.0.20348.2340").map(|b| b.build),
        Some(20348)
    );
    assert_eq!(
        image_build("mcr.microsoft.com/windows/servercore:ltsc2025-amd64").map(|b| b.build),
        Some(26100)
    );
    assert_eq!(
        image_build("mcr.microsoft.com/dotnet/framework/sdk:4.8"),
        None
    );
    assert_eq!(
        image_build("mcr.microsoft.com/dotnet/aspnet:10.0.1-nanoserver-ltsc2025").map(|b| b.build),
        Some(26100)
    );
    assert!(image_has_pwsh(
        "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022"
    ));
    assert!(image_has_pwsh(
        "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022"
    ));
    assert!(!image_has_pwsh(
        "mcr.microsoft.com/windows/nanoserver:ltsc2022"
    ));
    assert_eq!(
        split_image("host:5000/a/b:tag@sha256:00"),
        ("host:5000/a/b".into(), "tag".into())
    );
    assert_eq!(
        split_image("host:5000/a/b"),
        ("host:5000/a/b".into(), String::new())
    );
}

#[test]
fn admin_names() {
    assert!(is_admin_user("ContainerAdministrator"));
    assert!(is_admin_user("\"NT AUTHORITY\\SYSTEM\""));
    assert!(!is_admin_user("ContainerUser"));
}

#[test]
fn preferences() {
    assert!(sets_error_action_stop("$ErrorActionPreference = 'Stop'; x"));
    assert!(sets_error_action_stop("$ErrorActionPreference='stop'"));
    assert!(sets_error_action_stop(
        "$global:ErrorActionPreference = [System.Management.Automation.ActionPreference]::Stop"
    ));
    assert!(!sets_error_action_stop(
        "$ErrorActionPreference = 'Continue'"
    ));
    assert!(!sets_error_action_stop(
        "Write-Host ErrorActionPreference = Stop"
    ));
    assert!(sets_progress_silent(
        "$ProgressPreference = \"SilentlyContinue\";"
    ));
    assert!(!sets_progress_silent("$ProgressPreference = 'Continue'"));
}

#[test]
fn splits_powershell() {
    let t = "$ErrorActionPreference = 'Stop'; Invoke-WebRequest -Uri $u -OutFile x.zip; Expand-Archive x.zip -DestinationPath C:\\x | Out-Null";
    let a = analyze_text(t, ps51());
    assert_eq!(
        names(&a),
        vec!["stop", "invoke-webrequest", "expand-archive", "out-null"]
    );
    assert!(a.cmds[0].assigned);
    assert_eq!(a.cmds[3].conn, Conn::Pipe);
    assert_eq!(
        a.cmds[1].param(&["-outfile"]).map(|t| t.text),
        Some("x.zip".to_string())
    );
}

#[test]
fn splits_and_or() {
    let a = analyze_text("a && b || c; cmd /c \"d && e\"", ps51());
    let conns: Vec<(String, Conn, bool)> = a
        .cmds
        .iter()
        .map(|c| {
            (
                c.name().into_owned(),
                c.conn,
                a.dialect_of(c).is_some_and(WinDialect::is_ps),
            )
        })
        .collect();
    assert_eq!(
        conns,
        vec![
            ("a".into(), Conn::Start, true),
            ("b".into(), Conn::And, true),
            ("c".into(), Conn::Or, true),
            ("cmd".into(), Conn::Seq, true),
            ("d".into(), Conn::Start, false),
            ("e".into(), Conn::And, false),
        ]
    );
}

#[test]
fn nested_powershell_in_cmd() {
    let t = "powershell -NoProfile -ExecutionPolicy Bypass -Command \"$ProgressPreference='SilentlyContinue'; iwr https://x/a.zip -OutFile a.zip\" && del a.zip";
    let a = analyze_text(t, cmd());
    assert_eq!(
        names(&a),
        vec!["powershell", "silentlycontinue", "iwr", "del"]
    );
    assert_eq!(a.ctxs.len(), 2);
    assert_eq!(a.ctxs[1].dialect, WinDialect::PowerShell { core: false });
    let region = &t[a.ctxs[1].range.clone()];
    assert!(
        region.starts_with("$Progress") && region.ends_with("a.zip"),
        "{region}"
    );
    assert_eq!(a.cmds[3].conn, Conn::And);
    assert_eq!(a.dialect_of(&a.cmds[3]), Some(WinDialect::Cmd));
    // -File runs a script: no inline code.
    let a = analyze_text("powershell -File C:\\setup.ps1 -x 1", cmd());
    assert_eq!(a.ctxs.len(), 1);
}

#[test]
fn word_groups() {
    let a = analyze_text("icacls C:\\app /grant Everyone:(OI)(CI)F /T", cmd());
    assert_eq!(
        a.cmds[0]
            .args()
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>(),
        vec!["C:\\app", "/grant", "Everyone:(OI)(CI)F", "/T"]
    );
    let a = analyze_text(
        "icacls C:\\app /grant 'Everyone:(OI)(CI)F'; $x = (New-Object Net.WebClient).DownloadString($u)",
        ps51(),
    );
    assert_eq!(
        a.cmds[0].args().get(2).map(|w| w.text.as_str()),
        Some("Everyone:(OI)(CI)F")
    );
    assert!(names(&a).contains(&"new-object".to_string()));
    let a = analyze_text(
        "winrm set winrm/config/service @{AllowUnencrypted=\"true\"}",
        cmd(),
    );
    assert_eq!(
        a.cmds[0].args().get(2).map(|w| w.text.as_str()),
        Some("@{AllowUnencrypted=true}")
    );
}

#[test]
fn comments_and_continuations() {
    let a = analyze_text("# note iwr\nGet-Item `\n  -Path x <# iex #>; y", ps51());
    assert_eq!(names(&a), vec!["get-item", "y"]);
    assert_eq!(a.cmds[0].args().len(), 2);
}

#[test]
fn registry() {
    let a = analyze_text(
        "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\" /v LmCompatibilityLevel /t REG_DWORD /d 1 /f",
        cmd(),
    );
    let w = registry_write(&a.cmds[0]).expect("reg write");
    assert_eq!(w.key, "hklm\\system\\currentcontrolset\\control\\lsa");
    assert_eq!(w.name, "lmcompatibilitylevel");
    assert_eq!(w.number(), Some(1));
    let a = analyze_text(
        "Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\X' -Name EnableLUA -Value 0 -Type DWord",
        ps51(),
    );
    let w = registry_write(&a.cmds[0]).expect("sp");
    assert_eq!(
        (w.key.as_str(), w.name.as_str(), w.number()),
        ("hklm\\software\\x", "enablelua", Some(0))
    );
    let a = analyze_text(
        "New-ItemProperty HKLM:\\SOFTWARE\\X UseLogonCredential 1 -PropertyType DWord -Force",
        ps51(),
    );
    let w = registry_write(&a.cmds[0]).expect("positional");
    assert_eq!(
        (w.name.as_str(), w.number()),
        ("uselogoncredential", Some(1))
    );
}

#[test]
fn features() {
    let a = analyze_text(
        "Enable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol,TelnetClient -All",
        ps51(),
    );
    let f: Vec<String> = enabled_features(&a.cmds[0])
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(f, vec!["smb1protocol", "telnetclient"]);
    let a = analyze_text("dism /online /enable-feature /featurename:TFTP /all", cmd());
    assert_eq!(
        enabled_features(&a.cmds[0])
            .first()
            .map(|(n, _)| n.as_str()),
        Some("tftp")
    );
    let a = analyze_text(
        "Install-WindowsFeature Web-Server, Web-Ftp-Server -IncludeManagementTools",
        ps51(),
    );
    let f: Vec<String> = enabled_features(&a.cmds[0])
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(f.contains(&"web-ftp-server".to_string()), "{f:?}");
    let a = analyze_text("dism /online /disable-feature /featurename:TFTP", cmd());
    assert!(enabled_features(&a.cmds[0]).is_empty());
}

#[test]
fn services() {
    let a = analyze_text("sc config mpssvc start= disabled", cmd());
    assert!(disables_service(&a.cmds[0], "mpssvc"));
    let a = analyze_text("Set-Service -Name WinDefend -StartupType Disabled", ps51());
    assert!(disables_service(&a.cmds[0], "windefend"));
    let a = analyze_text("Set-Service WinDefend -StartupType Manual", ps51());
    assert!(!disables_service(&a.cmds[0], "windefend"));
}

#[test]
fn words_and_downloads() {
    assert_eq!(find_word("iwr x | iex", "iex"), vec![8]);
    assert!(find_word("Invoke-Expression-Foo", "invoke-expression").is_empty());
    assert!(mentions_download(
        "(New-Object System.Net.WebClient).DownloadString('https://x')"
    ));
    assert!(mentions_download("irm https://get.example/x.ps1"));
    assert!(!mentions_download("Get-Content C:\\x.ps1"));
}

#[test]
fn tls() {
    let up = [
        "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12",
        "[System.Net.ServicePointManager]::SecurityProtocol = 'Tls,Tls11,Tls12'",
        "[Net.ServicePointManager]::SecurityProtocol = 3072",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls13 -bor [Net.SecurityProtocolType]::Tls12",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -band -bnot [Net.SecurityProtocolType]::Ssl3",
        "Write-Host ([Net.ServicePointManager]::SecurityProtocol)",
        "if ([Net.ServicePointManager]::SecurityProtocol -eq 'Tls') { }",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::SystemDefault",
        "[Net.ServicePointManager]::SecurityProtocol = \"Tls12, Tls11, Tls\"",
        "powershell -Command \"[Net.ServicePointManager]::SecurityProtocol = 'Tls12'; iwr $u\"",
    ];
    for t in up {
        assert!(tls_downgrades(t).is_empty(), "{t}");
    }
    let down = [
        "[Net.ServicePointManager]::SecurityProtocol = 'Tls'",
        "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls11; iwr $u",
        "[Net.ServicePointManager]::SecurityProtocol=[Net.SecurityProtocolType]::Ssl3 -bor [Net.SecurityProtocolType]::Tls",
        "[Net.ServicePointManager]::SecurityProtocol = 192",
        "[Net.ServicePointManager]::SecurityProtocol = \"Tls\"; iwr $u",
    ];
    for t in down {
        let r = tls_downgrades(t);
        assert_eq!(r.len(), 1, "{t}");
        assert!(!t[r[0].clone()].contains(';'), "{t}");
    }
}

#[test]
fn iex() {
    let bad = [
        "iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))",
        "Set-ExecutionPolicy Bypass -Scope Process -Force; iex ((New-Object Net.WebClient).DownloadString($u))",
        "iwr https://x/i.ps1 -UseBasicParsing | iex",
        "irm https://get.example.com | Invoke-Expression",
        "Invoke-Expression (Invoke-WebRequest -Uri $u -UseBasicParsing).Content",
        "& ([scriptblock]::Create((irm https://x/y.ps1)))",
        "iex \"& { $(irm https://aka.ms/install-powershell.ps1) } -UseMSI\"",
        "$x = (New-Object Net.WebClient).DownloadString('https://x/s.ps1'); iex $x",
        "powershell -Command \"iex ((New-Object Net.WebClient).DownloadString('https://x'))\"",
    ];
    for t in bad {
        assert_eq!(iex_downloads(t).len(), 1, "{t}");
    }
    let good = [
        "iex $env:TEMP\\setup.ps1",
        "Invoke-WebRequest $u -OutFile x.ps1; if ((Get-FileHash x.ps1).Hash -ne $h) { exit 1 }; & .\\x.ps1",
        "Get-Content C:\\x.ps1 | iex",
        "iwr $u -OutFile a.zip; iex 'Write-Host done'",
        "$x = Get-Content C:\\s.ps1 -Raw; iwr $u -OutFile a.zip; iex $x",
    ];
    for t in good {
        assert!(iex_downloads(t).is_empty(), "{t}");
    }
}

#[test]
fn json_escapes() {
    assert_eq!(path_control_escape(r#""C:\tools\new.ps1""#), Some((3, 't')));
    assert!(path_control_escape(r#""C:\\tools\\new.ps1""#).is_none());
    assert!(path_control_escape(r#""printf 'a\tb'""#).is_none());
    assert!(path_control_escape(r#""C:/tools/new.ps1""#).is_none());
    assert_eq!(
        path_control_escape(r#""C:\\app\\bin\release""#).map(|x| x.1),
        Some('r')
    );
}

#[test]
fn statement_counts() {
    assert_eq!(
        ps_statement_count("if ($err = dir $Env:TEMP | Get-Content) { throw $err }"),
        1
    );
    assert_eq!(
        ps_statement_count("$ProgressPreference = 'SilentlyContinue'; iwr $u -OutFile x"),
        1
    );
    assert_eq!(
        ps_statement_count("iwr $u -OutFile x; Expand-Archive x C:\\x"),
        2
    );
    assert_eq!(ps_statement_count("a `\n  -b c\nd"), 2);
    assert_eq!(ps_statement_count("'a;b'; # c; d\n"), 1);
    assert_eq!(ps_statement_count(""), 0);
    assert_eq!(
        ps_statement_count(
            "$path = $env:path + ';c:\\go\\bin'; Set-ItemProperty -Path x -Name Path -Value $path"
        ),
        1
    );
    assert_eq!(ps_statement_count("$h = Get-FileHash x; Remove-Item x"), 2);
    assert_eq!(
        ps_statement_count(
            "$ProgressPreference = 'SilentlyContinue'; [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12; iwr $u"
        ),
        1
    );
    assert_eq!(ps_statement_count("$a = '; $b = \"; $c = '"), 0);
}

#[test]
fn never_panics_on_odd_input() {
    for t in [
        "\"",
        "'",
        "`",
        "^",
        "(",
        ")",
        "{",
        "}",
        "@{",
        "$(",
        "<#",
        "a & & b",
        "powershell -c \"",
        "cmd /c",
        "é'ü\"ñ`",
        "powershell -Command",
    ] {
        let _ = analyze_text(t, ps51());
        let _ = analyze_text(t, cmd());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn matching_never_panics(text in "[ -~\t\n\u{e9}\u{3000}`'\"$(){}\\[\\]|&;%^\\\\]{0,120}") {
        for top in [ps51(), cmd(), TopShell { dialect: WinDialect::PowerShell { core: true }, preset_stop: true, preset_progress: true }] {
            let a = analyze_text(&text, top);
            for c in &a.cmds {
                proptest::prop_assert!(c.range.start <= c.range.end && c.range.end <= text.len());
                let _ = registry_write(c);
                let _ = enabled_features(c);
                let _ = disables_service(c, "mpssvc");
            }
            for ctx in &a.ctxs {
                proptest::prop_assert!(text.get(ctx.range.clone()).is_some());
            }
        }
        for r in tls_downgrades(&text).into_iter().chain(iex_downloads(&text)) {
            proptest::prop_assert!(text.get(r).is_some());
        }
        let _ = ps_statement_count(&text);
        let _ = path_control_escape(&text);
        let _ = sets_error_action_stop(&text);
        let _ = mentions_download(&text);
        let _ = image_build(&text);
        let _ = image_family(&text);
    }
}
