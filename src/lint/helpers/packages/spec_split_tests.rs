//! Tests for the language package-manager parsers and package-spec splitters.
use super::test_support::cmd;
use super::*;

#[test]
fn apt_specs() {
    assert_eq!(
        apt_spec("libssl3:amd64=3.0.15-1~deb12u1"),
        AptSpec {
            name: "libssl3",
            arch: Some("amd64"),
            release: None,
            version: Some("3.0.15-1~deb12u1")
        }
    );
    let s = apt_spec("vim/bookworm-backports");
    assert_eq!(
        (s.name, s.release, s.version),
        ("vim", Some("bookworm-backports"), None)
    );
    assert_eq!(apt_spec("git=1:2.39.5").version, Some("1:2.39.5"));
    assert_eq!(apt_spec("curl=").version, None);
}

#[test]
fn apk_specs() {
    let s = apk_spec("curl~8.11");
    assert_eq!((s.name, s.op, s.version), ("curl", Some("~"), Some("8.11")));
    let s = apk_spec("tini@community");
    assert_eq!((s.name, s.tag, s.op), ("tini", Some("community"), None));
    let s = apk_spec("openssl>=3.3");
    assert_eq!((s.op, s.version), (Some(">="), Some("3.3")));
    let s = apk_spec("x=1.0-r0@edge");
    assert_eq!(
        (s.name, s.tag, s.version),
        ("x", Some("edge"), Some("1.0-r0"))
    );
}

#[test]
fn rpm_specs() {
    let s = rpm_spec("git-2.43.5-1.el9");
    assert_eq!(
        (s.name, s.op, s.version),
        ("git", None, Some("2.43.5-1.el9"))
    );
    let s = rpm_spec("python3 >= 3.9");
    assert_eq!(
        (s.name, s.op, s.version),
        ("python3", Some(">="), Some("3.9"))
    );
    let s = rpm_spec("java-17-openjdk");
    assert_eq!((s.name, s.version), ("java-17-openjdk", None));
}

#[test]
fn pip_requirements() {
    let r = pip_requirement("requests[socks] == 2.32.3 ; python_version < '3.13'").unwrap();
    assert_eq!(r.name, "requests");
    assert_eq!(r.extras, Some("socks"));
    assert_eq!(r.specifier, Some("== 2.32.3"));
    assert_eq!(r.marker, Some("python_version < '3.13'"));
    assert_eq!(
        pip_requirement("Django>=4,<5").unwrap().specifier,
        Some(">=4,<5")
    );
    assert!(pip_requirement("./app").is_none());
    assert!(pip_requirement("git+https://x/y").is_none());
    assert!(pip_requirement("name junk").is_none());
    assert!(pip_requirement("[x]").is_none());
    assert!(pip_requirement("").is_none());
}

#[test]
fn npm_specs() {
    assert_eq!(
        npm_name_version("@angular/cli@18.2.1"),
        ("@angular/cli", Some("18.2.1"))
    );
    assert_eq!(npm_name_version("@angular/cli"), ("@angular/cli", None));
    assert_eq!(npm_name_version("x@"), ("x", None));
    assert_eq!(npm_name_version("@"), ("@", None));
}

#[test]
fn node_and_powershell_installs() {
    let c = cmd("yarn global add serve@14.2.4 pm2");
    let n = node_install(&invocation(&c).unwrap()).unwrap();
    assert!(n.global);
    assert_eq!(n.verb, "yarn global add");
    assert_eq!(n.packages.len(), 2);
    let c = cmd("npm ci --omit=dev");
    assert!(node_install(&invocation(&c).unwrap()).is_none());
    let line = "Install-Module -Name Az.Accounts,Az.Storage -Force";
    let c = cmd(line);
    let p = ps_install(&invocation(&c).unwrap()).unwrap();
    let names: Vec<&str> = p.names.iter().map(|n| &line[n.range.clone()]).collect();
    assert_eq!(names, ["Az.Accounts", "Az.Storage"]);
    assert!(!p.psresource);
    let c = cmd("Install-Module @params");
    assert!(ps_install(&invocation(&c).unwrap()).is_none());
}

proptest::proptest! {
    #[test]
    fn splitters_never_panic(w in "[ -~\u{e9}\u{1F600}]{0,40}") {
        let _ = (apt_spec(&w), apk_spec(&w), rpm_spec(&w), pip_requirement(&w), npm_name_version(&w));
    }
}
