use super::emit::{hint_path_package, package_segments, split_package_folder};

use super::condition::{Tri, eval_condition};
use super::paths::resolve_path;
use super::props::{Prop, Props, Unresolved, unescape};
fn props(pairs: &[(&str, &str)]) -> Props {
    let mut p = Props::default();
    for (k, v) in pairs {
        p.set(k, Prop::Known((*v).to_string()));
    }
    p
}

#[test]
fn expands_properties_and_refuses_functions() {
    let p = props(&[("A", "1.2"), ("B", "$(A)")]);
    assert_eq!(p.expand("$(A).3", "src").as_deref(), Ok("1.2.3"));
    assert_eq!(
        p.expand("$(MSBuildThisFileDirectory)x", "src").as_deref(),
        Ok("src/x")
    );
    assert_eq!(
        p.expand("$(Nope)", ""),
        Err(Unresolved::Undefined("Nope".into()))
    );
    assert!(matches!(
        p.expand("$(A.Trim())", ""),
        Err(Unresolved::Expression(_))
    ));
    assert!(matches!(
        p.expand("$([System.String]::Copy('1'))", ""),
        Err(Unresolved::Expression(_))
    ));
    assert!(matches!(
        p.expand("@(Foo)", ""),
        Err(Unresolved::Expression(_))
    ));
    assert!(matches!(
        p.expand("$(A", ""),
        Err(Unresolved::Expression(_))
    ));
    assert_eq!(p.expand("100%", "").as_deref(), Ok("100%"));
}

#[test]
fn conditions() {
    let p = props(&[("TargetFramework", "net8.0"), ("Flag", "true")]);
    let no = |_: &str| false;
    let ev = |c: &str| eval_condition(c, &p, "", &no);
    assert_eq!(ev("'$(TargetFramework)' == 'net8.0'"), Tri::True);
    assert_eq!(ev("'$(TargetFramework)' == 'NET8.0'"), Tri::True);
    assert_eq!(ev("'$(TargetFramework)' != 'net8.0'"), Tri::False);
    assert_eq!(ev("'$(Undefined)' == ''"), Tri::True);
    assert_eq!(ev("'$(Undefined)' == 'x'"), Tri::Unknown);
    assert_eq!(ev("$(Flag)"), Tri::True);
    assert_eq!(
        ev("'$(Flag)' == 'true' and '$(Undefined)' == 'x'"),
        Tri::Unknown
    );
    assert_eq!(
        ev("'$(Flag)' == 'false' and '$(Undefined)' == 'x'"),
        Tri::False
    );
    assert_eq!(
        ev("('$(Flag)' == 'false') or !('$(Flag)' == 'false')"),
        Tri::True
    );
    assert_eq!(ev("Exists('x')"), Tri::Unknown);
    assert_eq!(ev("$([MSBuild]::IsOSPlatform('Windows'))"), Tri::Unknown);
    assert_eq!(ev("'unterminated"), Tri::Unknown);
    assert_eq!(ev("1 < 2"), Tri::True);
    let deep = format!("{}true{}", "(".repeat(500), ")".repeat(500));
    assert_eq!(ev(&deep), Tri::Unknown);
    let nots = format!("{}true", "!".repeat(500));
    assert_eq!(ev(&nots), Tri::Unknown);
}

#[test]
fn paths() {
    assert_eq!(
        resolve_path("src/App", "..\\Directory.Build.props").as_deref(),
        Some("src/Directory.Build.props")
    );
    assert_eq!(resolve_path("", "../x"), None);
    assert_eq!(resolve_path("a", "C:\\x"), None);
    assert_eq!(unescape("A%3BB"), "A;B");
    assert_eq!(unescape("%zz"), "%zz");
}

#[test]
fn package_folders_of_hint_paths() {
    fn folder(h: &str) -> Option<&str> {
        package_segments(h).map(|(f, _)| f)
    }
    assert_eq!(
        folder("..\\..\\packages\\Microsoft.Owin.4.0.1\\lib\\net45\\Microsoft.Owin.dll"),
        Some("Microsoft.Owin.4.0.1")
    );
    assert_eq!(
        folder("$(SolutionDir)packages\\Antlr.3.5.0.2\\lib\\Antlr3.Runtime.dll"),
        Some("Antlr.3.5.0.2")
    );
    assert_eq!(folder("../Packages/x.1.0/a.dll"), Some("x.1.0"));
    assert_eq!(folder("..\\mypackages\\x.1.0\\a.dll"), None);
    assert_eq!(folder("..\\lib\\a.dll"), None);
    assert_eq!(folder("packages\\"), None);
    assert_eq!(folder(""), None);
    let pkg = |h: &str| hint_path_package(h).map(|r| r.map(|(i, v, f)| format!("{i} {v} {f}")));
    assert_eq!(
        pkg("..\\packages\\Owin.1.0\\lib\\Owin.dll"),
        Some(Ok("Owin 1.0.0 packages/Owin.1.0".to_string()))
    );
    assert_eq!(
        pkg("$(UserProfile)\\.nuget\\packages\\serilog.sinks.console\\4.1.0\\lib\\x.dll"),
        Some(Ok(
            "serilog.sinks.console 4.1.0 packages/serilog.sinks.console/4.1.0".to_string()
        ))
    );
    assert_eq!(
        pkg("..\\packages\\BuildTools\\lib\\BuildTools.dll"),
        Some(Err("packages/BuildTools".to_string()))
    );
    assert_eq!(pkg("..\\lib\\x.dll"), None);
}

#[test]
fn package_folder_names_split_into_id_and_version() {
    let split = |f: &str| split_package_folder(f).map(|(i, v)| format!("{i} {v}"));
    assert_eq!(
        split("Microsoft.Owin.4.0.1").as_deref(),
        Some("Microsoft.Owin 4.0.1")
    );
    assert_eq!(split("Antlr.3.5.0.2").as_deref(), Some("Antlr 3.5.0.2"));
    assert_eq!(split("Owin.1.0").as_deref(), Some("Owin 1.0.0"));
    assert_eq!(split("log4net.2.0.10").as_deref(), Some("log4net 2.0.10"));
    assert_eq!(
        split("Xamarin.Android.Support.v4.23.0.1.3").as_deref(),
        Some("Xamarin.Android.Support.v4 23.0.1.3")
    );
    assert_eq!(
        split("NETStandard.Library.NETFramework.2.0.0-preview2-25405-01").as_deref(),
        Some("NETStandard.Library.NETFramework 2.0.0-preview2-25405-01")
    );
    assert_eq!(split("Foo.2D.1.0.0").as_deref(), Some("Foo.2D 1.0.0"));
    assert_eq!(
        split("51Degrees.mobi.3.2.1").as_deref(),
        Some("51Degrees.mobi 3.2.1")
    );
    assert_eq!(split("BuildTools"), None);
    assert_eq!(split("1.0.0"), None);
    assert_eq!(split("Foo."), None);
    assert_eq!(split("Foo.1.x"), None);
    assert_eq!(split("Foo.1"), None);
    // Five numbers: the first belongs to the id.
    assert_eq!(split("Foo.1.2.3.4.5").as_deref(), Some("Foo.1 2.3.4.5"));
    assert_eq!(split("Bar.1.Baz.1.0").as_deref(), Some("Bar.1.Baz 1.0.0"));
    assert_eq!(split("é.1.0"), Some("é 1.0.0".to_string()));
}
