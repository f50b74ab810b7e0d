//! DF305: hard-coded password on a command line.

use std::ops::Range;

use crate::dockerfile::shell::{Command, Dialect};
use crate::lint::helpers::secrets_downloads::{
    arg_is_literal, fed_literal, flag_value, is_cloud_login_cmdlet, literal_secret_value,
    option_value, plain_args, secret_name,
};
use crate::lint::{Emitter, LintContext, ShellScript};

/// (range of the password in the script text, description of the command).
type Hit = (Range<usize>, String);

fn net_user(s: &ShellScript<'_>, cmd: &Command) -> Option<Hit> {
    let first = cmd.args().first()?;
    if !first.text.eq_ignore_ascii_case("user") {
        return None;
    }
    let pos: Vec<_> = plain_args(cmd, Dialect::Cmd)
        .into_iter()
        .filter(|w| !w.text.starts_with('/'))
        .collect();
    // pos[0] = "user", pos[1] = account, pos[2] = password
    let pw = pos.get(2)?;
    if pw.text == "*" || !arg_is_literal(s, pw) {
        return None;
    }
    Some((
        pw.range.clone(),
        "`net user` sets an account password".into(),
    ))
}

fn secure_string(s: &ShellScript<'_>, cmd: &Command) -> Option<Hit> {
    let plain = cmd.args().iter().any(|w| {
        let l = w.text.to_ascii_lowercase();
        l == "-asplaintext" || l.starts_with("-asplaintext:")
    });
    if !plain {
        return None;
    }
    let w = flag_value(cmd, &["-String"], false)
        .or_else(|| cmd.args().iter().find(|w| !w.text.starts_with('-')))?;
    if !arg_is_literal(s, w) {
        return None;
    }
    Some((
        w.range.clone(),
        "`ConvertTo-SecureString -AsPlainText` turns a literal into a password".into(),
    ))
}

fn check_command(
    s: &ShellScript<'_>,
    ci: usize,
    cmd: &Command,
    login_in_script: bool,
) -> Option<Hit> {
    let name = cmd.name();
    let lit = |v: Option<(String, Range<usize>, bool)>, what: &str| -> Option<Hit> {
        let (val, r, is_lit) = v?;
        if !is_lit || val.is_empty() {
            return None;
        }
        Some((r, what.to_string()))
    };
    match name.as_str() {
        "net" | "net1" => net_user(s, cmd),
        "convertto-securestring" if !login_in_script => secure_string(s, cmd),
        "chpasswd" => {
            let w = fed_literal(s, ci)?;
            let (_, pw) = w.text.split_once(':')?;
            if pw.is_empty() {
                return None;
            }
            Some((w.range.clone(), "`chpasswd` sets a password".into()))
        }
        "passwd" => {
            let w = fed_literal(s, ci)?;
            Some((w.range.clone(), "`passwd` reads a password".into()))
        }
        "useradd" | "usermod" | "adduser" => lit(
            option_value(s, cmd, &["-p", "--password"], &["--password"], None, true),
            &format!("`{name} -p` sets a password hash"),
        ),
        "sqlcmd" | "osql" | "bcp" => lit(
            option_value(s, cmd, &["-P"], &[], Some("-P"), true),
            &format!("`{name} -P` passes a SQL password"),
        ),
        "mysql" | "mysqladmin" | "mysqldump" | "mariadb" | "mariadb-admin" | "mariadb-dump"
        | "mysqlimport" => lit(
            option_value(s, cmd, &[], &["--password"], Some("-p"), true),
            &format!("`{name}` passes a database password"),
        ),
        "invoke-sqlcmd" => lit(
            option_value(s, cmd, &["-Password"], &["-Password"], None, false),
            "`Invoke-Sqlcmd -Password` passes a SQL password",
        ),
        "certutil" => lit(
            option_value(s, cmd, &["-p", "/p"], &[], None, false),
            "`certutil -p` passes a PFX password",
        ),
        "dotnet" if cmd.args().first().is_some_and(|a| a.text == "dev-certs") => lit(
            option_value(s, cmd, &["-p", "--password"], &["--password"], None, true),
            "`dotnet dev-certs` exports a certificate with a literal password",
        ),
        "htpasswd" => {
            let batch = cmd.args().iter().any(|w| {
                w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('b')
            });
            if !batch {
                return None;
            }
            let pos = plain_args(cmd, Dialect::Posix);
            if pos.len() < 3 {
                return None;
            }
            let w = pos.last()?;
            if !arg_is_literal(s, w) {
                return None;
            }
            Some((w.range.clone(), "`htpasswd -b` passes a password".into()))
        }
        // `msiexec /i app.msi PASSWORD=…`, SQL Server `setup.exe /SAPWD=…`.
        "msiexec" | "setup" => cmd.args().iter().find_map(|w| {
            let t = w.text.trim_start_matches('/');
            let (k, v) = t.split_once('=')?;
            let v = v.trim_matches('"');
            if secret_name(k).is_none() || !literal_secret_value(v) || !arg_is_literal(s, w) {
                return None;
            }
            Some((
                w.range.clone(),
                format!("`{name}` property `{k}` passes a password"),
            ))
        }),
        "openssl" => {
            for flag in ["-passout", "-passin", "-password", "-pass", "-passwd"] {
                if let Some(w) = flag_value(cmd, &[flag], true)
                    && let Some(pw) = w.text.strip_prefix("pass:")
                    && !pw.is_empty()
                    && arg_is_literal(s, w)
                {
                    return Some((
                        w.range.clone(),
                        format!("`openssl {flag} pass:` passes a literal password"),
                    ));
                }
            }
            None
        }
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
                    "{what} written in the Dockerfile: it is recorded in the image history and readable in the build log; create accounts without passwords (gMSA / ContainerUser) or read the secret from `RUN --mount=type=secret`"
                ),
            );
        }
    }
}
