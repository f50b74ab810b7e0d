//! DF309: cloud / registry login with a literal secret during the build.

use std::ops::Range;

use crate::dockerfile::shell::Command;
use crate::lint::helpers::secrets_downloads::{
    arg_is_literal, fed_literal, flag_value, is_cloud_login_cmdlet, option_value,
};
use crate::lint::{Emitter, LintContext, ShellScript};

type Hit = (Range<usize>, String);

fn lit(v: Option<(String, Range<usize>, bool)>, what: String) -> Option<Hit> {
    let (val, r, is_lit) = v?;
    (is_lit && !val.is_empty()).then_some((r, what))
}

fn registry_login(s: &ShellScript<'_>, ci: usize, cmd: &Command, tool: &str) -> Option<Hit> {
    if let Some(h) = lit(
        option_value(s, cmd, &["-p", "--password"], &["--password"], None, true),
        format!("`{tool} login -p` passes a registry password"),
    ) {
        return Some(h);
    }
    if cmd.has_arg(&["--password-stdin"])
        && let Some(w) = fed_literal(s, ci)
    {
        return Some((
            w.range.clone(),
            format!("`{tool} login --password-stdin` is fed a literal password"),
        ));
    }
    None
}

fn check_command(
    s: &ShellScript<'_>,
    ci: usize,
    cmd: &Command,
    login_in_script: bool,
) -> Option<Hit> {
    let name = cmd.name();
    let arg = |i: usize| {
        cmd.args()
            .get(i)
            .map(|w| w.text.to_ascii_lowercase())
            .unwrap_or_default()
    };
    match name.as_str() {
        "az" if arg(0) == "login" => lit(
            option_value(s, cmd, &["-p", "--password"], &["--password"], None, true),
            "`az login -p` passes a password / client secret".into(),
        ),
        "docker" | "podman" | "buildah" | "skopeo" | "nerdctl" | "oras" | "regctl"
            if arg(0) == "login" =>
        {
            registry_login(s, ci, cmd, &name)
        }
        "helm" if arg(0) == "registry" && arg(1) == "login" => {
            registry_login(s, ci, cmd, "helm registry")
        }
        "crane" if arg(0) == "auth" && arg(1) == "login" => {
            registry_login(s, ci, cmd, "crane auth")
        }
        "oc" if arg(0) == "login" => lit(
            option_value(
                s,
                cmd,
                &["-p", "--password", "--token"],
                &["--password", "--token"],
                None,
                true,
            ),
            "`oc login` passes a password or token".into(),
        ),
        "kubectl" if arg(0) == "config" && arg(1) == "set-credentials" => lit(
            option_value(s, cmd, &[], &["--token", "--password"], None, true),
            "`kubectl config set-credentials` stores a literal token or password".into(),
        ),
        "aws" if arg(0) == "configure" && arg(1) == "set" => {
            let key = arg(2);
            let key = key.rsplit('.').next().unwrap_or("");
            if !matches!(key, "aws_secret_access_key" | "aws_session_token") {
                return None;
            }
            let w = cmd.args().get(3)?;
            arg_is_literal(s, w).then(|| {
                (
                    w.range.clone(),
                    format!("`aws configure set {key}` writes a literal AWS secret"),
                )
            })
        }
        "gh" if arg(0) == "auth" && arg(1) == "login" && cmd.has_arg(&["--with-token"]) => {
            fed_literal(s, ci).map(|w| {
                (
                    w.range.clone(),
                    "`gh auth login --with-token` is fed a literal token".into(),
                )
            })
        }
        "npm" | "yarn" | "pnpm" if arg(0) == "config" && arg(1) == "set" => {
            let key_w = cmd.args().get(2)?;
            let (key, val_w_range, val_lit, val) = match key_w.text.split_once('=') {
                Some((k, v)) => (
                    k.to_string(),
                    key_w.range.clone(),
                    arg_is_literal(s, key_w),
                    v.to_string(),
                ),
                None => {
                    let v = cmd.args().get(3)?;
                    (
                        key_w.text.clone(),
                        v.range.clone(),
                        arg_is_literal(s, v),
                        v.text.clone(),
                    )
                }
            };
            let k = key.to_ascii_lowercase();
            let auth = k.ends_with("_authtoken")
                || k.ends_with(":_auth")
                || k == "_auth"
                || k.ends_with("_password")
                || k == "npmauthtoken";
            (auth && val_lit && !val.is_empty()).then(|| {
                (
                    val_w_range,
                    format!("`{name} config set {key}` stores a literal registry token"),
                )
            })
        }
        "nuget" if arg(0) == "setapikey" => {
            let w = cmd.args().get(1)?;
            arg_is_literal(s, w).then(|| {
                (
                    w.range.clone(),
                    "`nuget setapikey` stores a literal API key".into(),
                )
            })
        }
        "nuget" if arg(0) == "push" => lit(
            option_value(s, cmd, &["-ApiKey", "-k"], &[], None, false),
            "`nuget push -ApiKey` passes a literal API key".into(),
        ),
        "dotnet" if arg(0) == "nuget" && arg(1) == "push" => lit(
            option_value(s, cmd, &["-k", "--api-key"], &["--api-key"], None, true),
            "`dotnet nuget push --api-key` passes a literal API key".into(),
        ),
        "convertto-securestring" if login_in_script => {
            let plain = cmd
                .args()
                .iter()
                .any(|w| w.text.to_ascii_lowercase().starts_with("-asplaintext"));
            if !plain {
                return None;
            }
            let w = flag_value(cmd, &["-String"], false)
                .or_else(|| cmd.args().iter().find(|w| !w.text.starts_with('-')))?;
            arg_is_literal(s, w).then(|| (w.range.clone(), "a cloud sign-in uses a credential built from a literal with `ConvertTo-SecureString -AsPlainText`".into()))
        }
        n if is_cloud_login_cmdlet(n) => lit(
            option_value(
                s,
                cmd,
                &[
                    "-AccessToken",
                    "-Password",
                    "-ApplicationSecret",
                    "-ClientSecret",
                ],
                &[],
                None,
                false,
            ),
            format!(
                "`{}` passes a literal token or secret",
                cmd.words.first().map_or(n, |w| w.text.as_str())
            ),
        ),
        _ => None,
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for s in cx.run_scripts() {
        let login = s
            .script
            .commands
            .iter()
            .any(|c| is_cloud_login_cmdlet(&c.name()));
        for (ci, cmd) in s.script.commands.iter().enumerate() {
            let Some((range, what)) = check_command(s, ci, cmd, login) else {
                continue;
            };
            out.emit(
                s.span(range),
                format!(
                    "{what}: the secret is committed with the Dockerfile and recorded in the image history; sign in outside the image build (CI/OIDC) or read it from `RUN --mount=type=secret`"
                ),
            );
        }
    }
}
