use super::test_support::cmd;
use super::*;

const APT: OptSpec = OptSpec::posix(&[
    "o",
    "t",
    "c",
    "a",
    "target-release",
    "default-release",
    "option",
    "config-file",
    "host-architecture",
]);

fn operands(line: &str, spec: &OptSpec) -> Vec<String> {
    let c = cmd(line);
    let inv = invocation(&c).unwrap();
    parse_args(inv.args, spec)
        .operands
        .iter()
        .map(|w| w.text.clone())
        .collect()
}

#[test]
fn skips_options_with_values() {
    assert_eq!(
        operands(
            "apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y --no-install-recommends curl",
            &APT
        ),
        vec!["install", "curl"]
    );
    assert_eq!(
        operands(
            "apt-get install -qy --target-release=bookworm-backports curl",
            &APT
        ),
        vec!["install", "curl"]
    );
    assert_eq!(
        operands("apt-get install -yt bookworm-backports git", &APT),
        vec!["install", "git"]
    );
    assert_eq!(
        operands("apt-get -oAPT::Foo=1 install git", &APT),
        vec!["install", "git"]
    );
    assert_eq!(
        operands("apt-get install -- -weird", &APT),
        vec!["install", "-weird"]
    );
}

#[test]
fn attached_values_have_ranges() {
    let c = cmd("apt-get -oA=1 --target-release=bookworm x");
    let p = parse_args(&c.words[1..], &APT);
    let o = p.value(&["o"]).unwrap();
    assert_eq!(o.text, "A=1");
    assert_eq!(
        &"apt-get -oA=1 --target-release=bookworm x"[o.range.clone()],
        "A=1"
    );
    let t = p.value(&["target-release"]).unwrap();
    assert_eq!(
        &"apt-get -oA=1 --target-release=bookworm x"[t.range.clone()],
        "bookworm"
    );
}

#[test]
fn unwraps_sudo_and_env() {
    let c = cmd("sudo -E -u root env DEBIAN_FRONTEND=noninteractive apt-get install x");
    let inv = invocation(&c).unwrap();
    assert_eq!(inv.name(), "apt-get");
    assert_eq!(inv.args.len(), 2);
    let c = cmd("call C:\\ProgramData\\chocolatey\\bin\\choco.exe install -y git");
    assert_eq!(invocation(&c).unwrap().name(), "choco");
}

#[test]
fn windows_and_powershell_options() {
    const CHOCO: OptSpec = OptSpec::windows(&["version", "source", "s", "params"]);
    assert_eq!(
        operands(
            "choco install -y git -Version 2.4 --params '/NoAutoCrlf' nodejs",
            &CHOCO
        ),
        vec!["install", "git", "nodejs"]
    );
    let c = cmd("choco install git --version=2.47.1");
    let p = parse_args(&c.words[1..], &CHOCO);
    assert_eq!(p.value(&["VERSION"]).unwrap().text, "2.47.1");
    const PS: OptSpec = OptSpec::powershell(&["Force", "AllowClobber", "SkipPublisherCheck"]);
    assert_eq!(
        operands(
            "Install-Module -Force SqlServer -Scope AllUsers -AllowClobber",
            &PS
        ),
        vec!["SqlServer"]
    );
    // The shell splits `-Force:$false` into adjacent words.
    let mut c = cmd("Install-Module Az -Force $false -AllowClobber");
    c.words[3].range = c.words[2].range.end + 1..c.words[2].range.end + 7;
    let p = parse_args(&c.words[1..], &PS);
    assert_eq!(p.value(&["force"]).unwrap().text, "$false");
    assert_eq!(p.operands.len(), 1);
    let c = cmd("Install-Module Az -RequiredV 1.2 -Force:$true");
    let p = parse_args(&c.words[1..], &PS);
    assert!(p.opt_prefix("RequiredVersion", 3).is_some());
    assert!(p.opt_prefix("MinimumVersion", 3).is_none());
    assert_eq!(p.operands.len(), 1);
}

#[test]
fn apt_pins() {
    assert_eq!(apt_pin("curl"), Pin::Unpinned);
    assert_eq!(apt_pin("curl=8.5.0-2"), Pin::Exact);
    assert_eq!(apt_pin("curl=8.5.*"), Pin::Series);
    assert_eq!(apt_pin("libc6:amd64=2.36-9"), Pin::Exact);
    assert_eq!(apt_pin("curl/bookworm-backports"), Pin::Unpinned);
    assert_eq!(apt_pin("curl=${CURL_VERSION}"), Pin::Exact);
    assert_eq!(apt_pin("$PKGS"), Pin::Unknown);
    assert_eq!(apt_pin("./x.deb"), Pin::Artifact);
    assert_eq!(apt_pin("curl="), Pin::Unpinned);
}

#[test]
fn apk_pins() {
    assert_eq!(apk_pin("curl"), Pin::Unpinned);
    assert_eq!(apk_pin("curl=8.11.0-r2"), Pin::Exact);
    assert_eq!(apk_pin("curl~=8.11"), Pin::Series);
    assert_eq!(apk_pin("curl~8.11"), Pin::Series);
    assert_eq!(apk_pin("curl>8"), Pin::Range);
    assert_eq!(apk_pin("curl>=8"), Pin::Range);
    assert_eq!(apk_pin("/tmp/x.apk"), Pin::Artifact);
}

#[test]
fn rpm_pins() {
    assert_eq!(rpm_pin("git"), Pin::Unpinned);
    assert_eq!(rpm_pin("git-2.43.5"), Pin::Exact);
    assert_eq!(rpm_pin("git-2.43.5-1.el9"), Pin::Exact);
    assert_eq!(rpm_pin("git-0:2.43.5-1.el9.x86_64"), Pin::Exact);
    assert_eq!(rpm_pin("java-17-openjdk"), Pin::Unpinned);
    assert_eq!(rpm_pin("java-1.8.0-openjdk-devel"), Pin::Unpinned);
    assert_eq!(rpm_pin("java-17-openjdk-17.0.9.0.9-2.el9"), Pin::Exact);
    assert_eq!(rpm_pin("python3-pip"), Pin::Unpinned);
    // .NET packages carry their channel in the name: `dotnet-runtime-8.0` is not version 8.0.
    assert_eq!(rpm_pin("dotnet-runtime-8.0"), Pin::Unpinned);
    assert_eq!(rpm_pin("aspnetcore-runtime-9.0"), Pin::Unpinned);
    assert_eq!(rpm_name_version("dotnet-runtime-8.0"), None);
    assert_eq!(
        rpm_name_version("dotnet-sdk-8.0-8.0.404-1.el9"),
        Some(("dotnet-sdk-8.0", "8.0.404-1.el9"))
    );
    assert_eq!(
        rpm_name_version("dotnet-sdk-8.0-8.0.404"),
        Some(("dotnet-sdk-8.0", "8.0.404"))
    );
    assert_eq!(rpm_name_version("git-2.43"), Some(("git", "2.43")));
    assert_eq!(rpm_pin("git=2.43.5"), Pin::Exact);
    assert_eq!(rpm_pin("git>=2"), Pin::Range);
    assert_eq!(rpm_pin("git >= 2"), Pin::Range);
    assert_eq!(rpm_pin("@development-tools"), Pin::Artifact);
    assert_eq!(rpm_pin("dnf-command(config-manager)"), Pin::Artifact);
    assert_eq!(
        rpm_pin("https://x/epel-release-latest-9.noarch.rpm"),
        Pin::Artifact
    );
}

#[test]
fn pip_pins() {
    assert_eq!(pip_pin("requests"), Pin::Unpinned);
    assert_eq!(pip_pin("requests==2.32.3"), Pin::Exact);
    assert_eq!(pip_pin("requests===2.32.3"), Pin::Exact);
    assert_eq!(pip_pin("requests[socks]==2.32.3"), Pin::Exact);
    assert_eq!(pip_pin("requests>=2"), Pin::Range);
    assert_eq!(pip_pin("requests~=2.3"), Pin::Range);
    assert_eq!(pip_pin("requests==2.*"), Pin::Range);
    assert_eq!(pip_pin("requests>=2,<3"), Pin::Range);
    assert_eq!(pip_pin("requests==2.0; python_version<'3.8'"), Pin::Exact);
    assert_eq!(pip_pin("."), Pin::Artifact);
    assert_eq!(pip_pin("dist/app-1.0-py3-none-any.whl"), Pin::Artifact);
    assert_eq!(pip_pin("git+https://github.com/o/r@v1"), Pin::Artifact);
    assert_eq!(pip_pin("$PKG"), Pin::Unknown);
    assert_eq!(pip_pin("requests==$V"), Pin::Exact);
}

#[test]
fn npm_pins() {
    assert_eq!(npm_pin("typescript"), Pin::Unpinned);
    assert_eq!(npm_pin("typescript@5.6.3"), Pin::Exact);
    assert_eq!(npm_pin("@angular/cli@18.2.1"), Pin::Exact);
    assert_eq!(npm_pin("@angular/cli"), Pin::Unpinned);
    assert_eq!(npm_pin("typescript@latest"), Pin::Unpinned);
    assert_eq!(npm_pin("typescript@^5"), Pin::Range);
    assert_eq!(npm_pin("typescript@5"), Pin::Range);
    assert_eq!(npm_pin("typescript@5.6.3-beta.1"), Pin::Exact);
    assert_eq!(npm_pin("typescript@$TS_VERSION"), Pin::Unknown);
    assert_eq!(npm_pin("./pkg.tgz"), Pin::Artifact);
}

#[test]
fn nuget_versions() {
    assert_eq!(nuget_version_pin("9.0.0"), Pin::Exact);
    assert_eq!(nuget_version_pin("9.*"), Pin::Range);
    assert_eq!(nuget_version_pin("[1.0,2.0)"), Pin::Range);
    assert_eq!(nuget_version_pin("$env:V"), Pin::Unknown);
    // A range of one version is an exact pin (PSResourceGet's `-Version '[5.5.0]'`).
    assert_eq!(nuget_version_pin("[5.5.0]"), Pin::Exact);
    assert_eq!(nuget_exact_version(" [ 5.5.0 ] "), Some("5.5.0"));
    assert_eq!(nuget_exact_version("5.5.0"), Some("5.5.0"));
    assert_eq!(nuget_version_pin("[5.5.0,]"), Pin::Range);
    assert_eq!(nuget_version_pin("[]"), Pin::Range);
    assert_eq!(nuget_exact_version("[1.0,2.0)"), None);
}

#[test]
fn pip_invocations() {
    for (line, want) in [
        ("pip install x", Some(2)),
        ("pip3.12 install x", Some(2)),
        ("python3 -m pip install x", Some(2)),
        ("python -u -m pip install x", Some(2)),
        ("py -m pip install x", Some(2)),
        ("uv pip install x", Some(2)),
        ("python -m venv x", None),
        ("python setup.py install", None),
        ("pipx install x", None),
    ] {
        let c = cmd(line);
        let inv = invocation(&c).unwrap();
        assert_eq!(pip_args(&inv).map(<[ShWord]>::len), want, "{line}");
    }
}

#[test]
fn urls() {
    assert!(is_plain_http("http://feed.corp/nuget"));
    assert!(is_plain_http("'HTTP://feed.corp'"));
    assert!(!is_plain_http("https://feed.corp"));
    assert!(!is_plain_http("http://localhost:8080/x"));
    assert!(!is_plain_http("http://127.0.0.1/x"));
    assert!(is_unc("\\\\server\\share\\x.msi"));
    assert!(!is_unc("C:\\x.msi"));
    assert!(is_remote_url("https://x/y.msi"));
    assert_eq!(
        redact_url("https://deploy:ghp_x@github.com/o/r.git"),
        "https://***@github.com/o/r.git"
    );
    assert_eq!(redact_url("http://feed.corp/a@b"), "http://feed.corp/a@b");
    assert_eq!(redact_url("not a url"), "not a url");
}

#[test]
fn subcommands() {
    let c = cmd("git -C /src -c core.x=1 clone -b v1 url");
    let (sub, rest) = split_subcommand(&c.words[1..], &OptSpec::posix(&["C", "c"])).unwrap();
    assert_eq!(sub.text, "clone");
    assert_eq!(rest.len(), 3);
    let c = cmd("choco install -y git --version 2.47.1");
    let ch = choco(&invocation(&c).unwrap()).unwrap();
    assert!(ch.installs());
    assert_eq!(ch.args.operands.len(), 1);
    let c = cmd("cinst -y git nodejs");
    let ch = choco(&invocation(&c).unwrap()).unwrap();
    assert_eq!(ch.sub, "install");
    assert_eq!(ch.args.operands.len(), 2);
    let c = cmd("choco feature enable -n allowEmptyChecksums");
    let ch = choco(&invocation(&c).unwrap()).unwrap();
    assert_eq!(ch.sub, "feature");
    assert_eq!(ch.args.value(&["n"]).unwrap().text, "allowEmptyChecksums");
    assert_eq!(choco_norm("--Ignore-Checksums"), "ignorechecksums");
}

#[test]
fn dotnet_verbs() {
    let verb = |line: &str| {
        let c = cmd(line);
        let d = dotnet(&invocation(&c).unwrap()).unwrap();
        (
            d.verb,
            d.verb_word.text.clone(),
            d.args
                .operands
                .iter()
                .map(|w| w.text.clone())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        verb("dotnet tool install -g dotnet-ef --version 9.0.0").2,
        vec!["dotnet-ef"]
    );
    assert_eq!(verb("dotnet tool install -g dotnet-ef").0, "tool install");
    assert_eq!(
        verb("dotnet nuget add source http://feed/x -n feed").0,
        "nuget add source"
    );
    assert_eq!(
        verb("dotnet nuget add source http://feed/x -n feed").2,
        vec!["http://feed/x"]
    );
    assert_eq!(
        verb("dotnet add src/App.csproj package Newtonsoft.Json").2,
        vec!["Newtonsoft.Json"]
    );
    assert_eq!(verb("dotnet add package Serilog -v 4.0.0").0, "add package");
    assert_eq!(verb("dotnet restore -s http://a -s https://b").0, "restore");
    let c = cmd("nuget sources add -Name x -Source http://feed");
    let n = nuget(&invocation(&c).unwrap()).unwrap();
    assert_eq!(n.verb, "sources add");
    assert_eq!(n.args.value(&["source"]).unwrap().text, "http://feed");
    assert_eq!(
        split_sources("http://a;https://b%3Bc"),
        vec!["http://a", "https://b", "c"]
    );
}

#[test]
fn splits_test_scripts() {
    let cs = super::test_support::script(
        "apt-get update && apt-get install -y x ; rm -rf /var/lib/apt/lists/*",
    );
    assert_eq!(cs.len(), 3);
    assert_eq!(cs[2].words[0].text, "rm");
}

#[test]
fn package_commands() {
    let c = cmd(
        "sudo apt-get -y -o Dpkg::Options::=--force-confnew install --no-install-recommends curl git=1:2.39.5-0+deb12u1",
    );
    let p = pkg_command(&invocation(&c).unwrap()).unwrap();
    assert_eq!((p.family, p.sub.as_str()), (Family::Apt, "install"));
    assert_eq!(p.packages().len(), 2);
    let c = cmd("zypper --non-interactive in -t package -r repo-oss git");
    let p = pkg_command(&invocation(&c).unwrap()).unwrap();
    assert_eq!(p.sub, "install");
    assert_eq!(
        p.packages()
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>(),
        vec!["git"]
    );
    let c = cmd("apk add --no-cache --virtual .build-deps gcc musl-dev");
    let p = pkg_command(&invocation(&c).unwrap()).unwrap();
    assert_eq!(p.packages().len(), 2);
    let c = cmd("dnf install -y --setopt=install_weak_deps=False --enablerepo crb git");
    let p = pkg_command(&invocation(&c).unwrap()).unwrap();
    assert_eq!(p.packages().len(), 1);
}

#[test]
fn messages_list() {
    let v = |n: usize| (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>();
    assert_eq!(list_for_message(&v(1)), "`p0`");
    assert_eq!(list_for_message(&v(2)), "`p0` and `p1`");
    assert_eq!(list_for_message(&v(3)), "`p0`, `p1` and `p2`");
    assert_eq!(list_for_message(&v(6)), "`p0`, `p1`, `p2`, `p3` and 2 more");
}

proptest::proptest! {
    #[test]
    fn parsing_never_panics(line in "[ -~\u{e9}\u{1F600}]{0,60}") {
        let c = cmd(&line);
        if let Some(inv) = invocation(&c) {
            for spec in [&APT, &CHOCO_INSTALL_OPTS, &DOTNET_OPTS, &PIP_OPTS, &OptSpec::powershell(&[])] {
                let p = parse_args(inv.args, spec);
                for o in &p.options {
                    if let Some(v) = &o.value {
                        let _ = line.get(v.range.clone());
                    }
                }
            }
            let _ = (choco(&inv), dotnet(&inv), nuget(&inv), pkg_command(&inv), pip_install(&inv));
        }
        for w in line.split(' ') {
            let _ = (apt_pin(w), apk_pin(w), rpm_pin(w), pip_pin(w), npm_pin(w), nuget_version_pin(w));
            let _ = (redact_url(w), is_plain_http(w), is_unc(w), split_sources(w));
        }
    }
}

#[test]
fn never_panics_on_odd_words() {
    for w in [
        "", "-", "--", "-=", "--=", "=", "@", "@@", "é=é", "-é", "x-", "-:",
    ] {
        let _ = (
            apt_pin(w),
            apk_pin(w),
            rpm_pin(w),
            pip_pin(w),
            npm_pin(w),
            rpm_name_version(w),
        );
        let c = cmd(&format!("x {w} {w}"));
        let _ = parse_args(&c.words[1..], &APT);
        let _ = parse_args(&c.words[1..], &OptSpec::powershell(&[]));
    }
}

#[test]
fn powershell_parameters_may_be_abbreviated() {
    const WEB: OptSpec = OptSpec::powershell(&["UseBasicParsing", "ProxyUseDefaultCredentials"])
        .with_value_params(&["Proxy", "ProxyCredential"]);
    let ops = |line: &str| operands(line, &WEB);
    // `-useb` abbreviates a switch: the URL after it is an operand.
    assert_eq!(
        ops("iwr -useb https://x/a.zip -OutFile a.zip"),
        ["https://x/a.zip"]
    );
    // `-Proxy` is a value parameter, although it also starts a switch's name.
    assert_eq!(
        ops("iwr -Proxy http://p:8080 https://x/b.zip"),
        ["https://x/b.zip"]
    );
    // `-Prox` could be either: read as taking a value (PowerShell would refuse it anyway).
    assert_eq!(
        ops("iwr -Prox http://p:8080 https://x/c.zip"),
        ["https://x/c.zip"]
    );
    // Two letters are too few to stand for a switch.
    assert_eq!(ops("iwr -Us x https://x/d.zip"), ["https://x/d.zip"]);
    assert_eq!(
        ops("iwr -ProxyUseDefault https://x/e.zip"),
        ["https://x/e.zip"]
    );
}
