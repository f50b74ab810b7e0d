use super::*;

/// `depth:connector:word|word` per command, in order.
fn show(script: &str, d: Dialect) -> Vec<String> {
    parse(script, d)
        .commands
        .iter()
        .map(|c| {
            let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
            format!("{}:{:?}:{}", c.depth, c.connector, words.join("|"))
        })
        .collect()
}

fn names(script: &str, d: Dialect) -> Vec<String> {
    parse(script, d)
        .commands
        .iter()
        .map(|c| c.name().into_owned())
        .collect()
}

fn find<'a>(s: &'a Script, name: &str) -> &'a Command {
    s.commands
        .iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("no {name} in {s:#?}"))
}

fn raw<'a>(text: &'a str, r: &Range<usize>) -> &'a str {
    text.get(r.clone()).expect("range on char boundaries")
}

/// Every range lies on char boundaries inside the text, words inside their command.
fn check_ranges(text: &str, s: &Script) {
    for c in &s.commands {
        assert!(
            c.range.start <= c.range.end && c.range.end <= text.len(),
            "{c:?}"
        );
        assert!(
            text.is_char_boundary(c.range.start) && text.is_char_boundary(c.range.end),
            "{c:?}"
        );
        for w in &c.words {
            assert!(
                w.range.start <= w.range.end && w.range.end <= text.len(),
                "{w:?}"
            );
            assert!(
                text.is_char_boundary(w.range.start) && text.is_char_boundary(w.range.end),
                "{w:?}"
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// POSIX
// ------------------------------------------------------------------------------------------

#[test]
fn posix_apt_chain() {
    let t = "set -eux; apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
             --no-install-recommends curl=7.88.* ca-certificates && rm -rf /var/lib/apt/lists/*";
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "0:Start:set|-eux",
            "0:Seq:apt-get|update",
            "0:And:apt-get|install|-y|--no-install-recommends|curl=7.88.*|ca-certificates",
            "0:And:rm|-rf|/var/lib/apt/lists/*",
        ]
    );
    let s = parse(t, Dialect::Posix);
    let install = &s.commands[2];
    assert!(install.has_arg(&["--no-install-recommends"]));
    assert_eq!(install.name(), "apt-get");
    // The range covers the leading assignment; words start at the command name.
    assert!(raw(t, &install.range).starts_with("DEBIAN_FRONTEND=noninteractive apt-get"));
    assert_eq!(raw(t, &install.words[0].range), "apt-get");
    check_ranges(t, &s);
}

#[test]
fn posix_curl_pipe_sh() {
    let t = "curl -fsSL https://get.example.com/install.sh | sh -s -- --yes";
    let s = parse(t, Dialect::Posix);
    assert_eq!(names(t, Dialect::Posix), ["curl", "sh"]);
    assert_eq!(s.commands[1].connector, Connector::Pipe);
    assert_eq!(s.previous(1), Some(0));
    assert_eq!(s.previous(0), None);
    assert_eq!(s.named(&["curl", "wget"]).count(), 1);

    let t = "wget -qO- https://x/setup | sudo -E bash -";
    let s = parse(t, Dialect::Posix);
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "0:Start:wget|-qO-|https://x/setup",
            "0:Pipe:sudo|-E|bash|-",
            "1:Start:bash|-"
        ]
    );
    assert_eq!(
        s.previous(2),
        None,
        "the wrapped command is not in the pipeline list"
    );
}

#[test]
fn posix_quotes_and_escapes() {
    let t = r#"echo 'single $x' "double $y \"q\" \$z \\ \n" it\'s 'it'\''s' $'a\tb' "$(printf '%s' x)""#;
    let s = parse(t, Dialect::Posix);
    let w: Vec<&str> = s.commands[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(
        w,
        [
            "echo",
            "single $x",
            "double $y \"q\" $z \\ \\n",
            "it's",
            "it's",
            "a\tb",
            "$(printf '%s' x)"
        ]
    );
    assert_eq!(raw(t, &s.commands[0].words[1].range), "'single $x'");
    assert_eq!(s.commands[1].name(), "printf");
    assert_eq!(s.commands[1].depth, 1);
    check_ranges(t, &s);
}

#[test]
fn posix_substitutions_are_nested() {
    let t = r#"VERSION=$(curl -s https://x/v | jq -r .tag) && echo "v=$(date +%s) `uname -m`" > /tmp/x 2>&1"#;
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "1:Start:curl|-s|https://x/v",
            "1:Pipe:jq|-r|.tag",
            "0:And:echo|v=$(date +%s) `uname -m`",
            "1:Start:date|+%s",
            "1:Start:uname|-m",
        ]
    );
    let s = parse(t, Dialect::Posix);
    let echo = find(&s, "echo");
    assert_eq!(
        raw(t, &echo.words[1].range),
        r#""v=$(date +%s) `uname -m`""#
    );
    // Arithmetic and parameter expansion hold no commands.
    assert_eq!(
        names("echo $((1 + $(id -u))) ${X:-y}", Dialect::Posix),
        ["echo", "id"]
    );
    assert_eq!(names("echo $(( (1+2) * 3 ))", Dialect::Posix), ["echo"]);
    // Nested substitutions.
    assert_eq!(
        show("a $(b $(c) `d`)", Dialect::Posix),
        [
            "0:Start:a|$(b $(c) `d`)",
            "1:Start:b|$(c)|`d`",
            "2:Start:c",
            "2:Start:d"
        ]
    );
}

#[test]
fn posix_redirections_are_not_words() {
    let t = "echo hi > /etc/motd 2>&1 </dev/null >>log 2> err &>/dev/null 3<&0 >|f";
    assert_eq!(show(t, Dialect::Posix), ["0:Start:echo|hi"]);
    let t = "cat <<EOF > /etc/apt/sources.list\ndeb http://x $(lsb_release -cs) main\nEOF\napt-get update";
    assert_eq!(
        show(t, Dialect::Posix),
        ["0:Start:cat", "0:Seq:apt-get|update"]
    );
    let t = "cat <<-'END' | tee /x\n\tbody\n\tEND\necho done";
    assert_eq!(
        show(t, Dialect::Posix),
        ["0:Start:cat", "0:Pipe:tee|/x", "0:Seq:echo|done"]
    );
    // A redirection-only or assignment-only command is not a command.
    assert_eq!(show("A=1 B=2; > /f; x", Dialect::Posix), ["0:Seq:x"]);
    // A redirect target with a substitution still yields its command.
    assert_eq!(
        names("echo x > $(mktemp)", Dialect::Posix),
        ["echo", "mktemp"]
    );
}

#[test]
fn posix_compound_commands() {
    let t = "if [ -f /a ]; then rm /a; elif true; then :; else touch /b; fi && \
             for f in $(ls /c) x; do echo $f; done; while read l; do echo $l; done < f";
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "1:Start:[|-f|/a|]",
            "1:Start:rm|/a",
            "1:Start:true",
            "1:Start::",
            "1:Start:touch|/b",
            "1:Start:ls|/c",
            "1:Start:echo|$f",
            "1:Start:read|l",
            "1:Start:echo|$l",
        ]
    );
    let t = "( cd /src && make ) || { echo fail; exit 1; }; ! grep -q x f";
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "1:Start:cd|/src",
            "1:And:make",
            "1:Start:echo|fail",
            "1:Seq:exit|1",
            "0:Seq:grep|-q|x|f"
        ]
    );
    // Keywords are only keywords in command position.
    assert_eq!(
        show("echo if then fi done", Dialect::Posix),
        ["0:Start:echo|if|then|fi|done"]
    );
    // Nested compounds stack their depth.
    assert_eq!(
        show("if a; then for i in 1 2; do b; done; fi; c", Dialect::Posix),
        ["1:Start:a", "2:Start:b", "0:Seq:c"]
    );
}

#[test]
fn posix_case() {
    let t = "case \"$(uname -m)\" in\n  amd64|x86_64) ARCH=x64; curl -o a https://a ;;\n  (arm64) curl b ;;\n  *) echo unsupported; exit 1 ;;\nesac; echo done";
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "1:Start:uname|-m",
            "1:Seq:curl|-o|a|https://a",
            "1:Start:curl|b",
            "1:Start:echo|unsupported",
            "1:Seq:exit|1",
            "0:Seq:echo|done",
        ]
    );
    // case inside a command substitution: the pattern's `)` does not close `$(`.
    assert_eq!(
        names("x=$(case a in a) echo 1;; esac); y", Dialect::Posix),
        ["echo", "y"]
    );
}

#[test]
fn posix_shell_c_is_reparsed() {
    let t = "bash -o pipefail -ec 'wget -O- https://x | tar xz' && sh -c \"echo \\\"$HOME\\\"\"";
    let s = parse(t, Dialect::Posix);
    assert_eq!(
        show(t, Dialect::Posix),
        [
            "0:Start:bash|-o|pipefail|-ec|wget -O- https://x | tar xz",
            "1:Start:wget|-O-|https://x",
            "1:Pipe:tar|xz",
            "0:And:sh|-c|echo \"$HOME\"",
            "1:Start:echo|$HOME",
        ]
    );
    // Ranges of the re-parsed commands point into the outer text.
    assert_eq!(raw(t, &s.commands[1].range), "wget -O- https://x");
    assert_eq!(raw(t, &s.commands[2].words[1].range), "xz");
    assert_eq!(raw(t, &s.commands[4].words[1].range), "\\\"$HOME\\\"");
    check_ranges(t, &s);
    // No -c: the operand is a script file, not a command string.
    assert_eq!(names("bash ./install.sh -c x", Dialect::Posix), ["bash"]);
    assert_eq!(
        names("su -c 'apt-get update' root", Dialect::Posix),
        ["su", "apt-get"]
    );
    assert_eq!(
        names("busybox sh -c 'wget x'", Dialect::Posix),
        ["busybox", "wget"]
    );
}

#[test]
fn posix_flag_values_split() {
    let t = "pip install --index-url=http://pypi.internal/simple --trusted-host pypi.internal -r req.txt";
    let s = parse(t, Dialect::Posix);
    let pip = &s.commands[0];
    assert_eq!(
        pip.arg_value(&["--index-url", "-i"])
            .map(|w| w.text.as_str()),
        Some("http://pypi.internal/simple")
    );
    assert_eq!(
        pip.arg_value(&["--trusted-host"]).map(|w| w.text.as_str()),
        Some("pypi.internal")
    );
    let iu = pip
        .args()
        .iter()
        .position(|w| w.text == "--index-url")
        .unwrap();
    assert_eq!(raw(t, &pip.args()[iu].range), "--index-url");
    assert_eq!(
        raw(t, &pip.args()[iu + 1].range),
        "http://pypi.internal/simple"
    );
    // Quoted value: the value word's range covers its quotes.
    let t = r#"curl --output="a b.zip" https://x"#;
    let c = &parse(t, Dialect::Posix).commands[0];
    let v = c.arg_value(&["-o", "--output"]).unwrap();
    assert_eq!(
        (v.text.as_str(), raw(t, &v.range)),
        ("a b.zip", r#""a b.zip""#)
    );
    // Case-sensitive variants for POSIX tools.
    let c = &parse("curl -O https://x -o out", Dialect::Posix).commands[0];
    assert_eq!(
        c.arg_value_cs(&["-o"]).map(|w| w.text.as_str()),
        Some("out")
    );
    assert_eq!(
        c.arg_value(&["-o"]).map(|w| w.text.as_str()),
        Some("https://x")
    );
    assert!(c.has_arg_cs(&["-O"]) && !c.has_arg_cs(&["--output"]));
    // Not flags: `--` alone, `-D` properties, positional `a=b`.
    assert_eq!(
        show("x -- --=a -Dk=v a=b", Dialect::Posix),
        ["0:Start:x|--|--=a|-Dk=v|a=b"]
    );
}

#[test]
fn posix_wrappers_are_unwrapped() {
    let t = "sudo -u app env -i A=1 PATH=/x nice -n 5 pip install foo";
    assert_eq!(names(t, Dialect::Posix), ["sudo", "env", "nice", "pip"]);
    let s = parse(t, Dialect::Posix);
    let pip = find(&s, "pip");
    assert_eq!((pip.depth, pip.connector), (3, Connector::Start));
    assert_eq!(raw(t, &pip.range), "pip install foo");
    assert_eq!(names("command -v curl", Dialect::Posix), ["command"]);
    assert_eq!(
        names("timeout 30 curl x | xargs -n1 rm", Dialect::Posix),
        ["timeout", "curl", "xargs", "rm"]
    );
    assert_eq!(
        names("exec nohup gosu", Dialect::Posix),
        ["exec", "nohup", "gosu"]
    );
}

#[test]
fn posix_misc_syntax() {
    // comments
    assert_eq!(
        show("echo a # b && c\necho d", Dialect::Posix),
        ["0:Start:echo|a", "0:Seq:echo|d"]
    );
    assert_eq!(show("echo a#b", Dialect::Posix), ["0:Start:echo|a#b"]);
    // line continuations that survived
    assert_eq!(
        show("apt-get install \\\n  -y \\\n  curl", Dialect::Posix),
        ["0:Start:apt-get|install|-y|curl"]
    );
    // background
    assert_eq!(
        show("dockerd & sleep 5; docker ps", Dialect::Posix),
        ["0:Start:dockerd", "0:Background:sleep|5", "0:Seq:docker|ps"]
    );
    // functions: the definition is not a command, its body is
    assert_eq!(
        show("f() { echo in; }; f; function g { id; }", Dialect::Posix),
        ["1:Start:echo|in", "0:Seq:f", "1:Start:id"]
    );
    // [[ ]] keeps its operators as operands
    assert_eq!(
        show("[[ -n \"$X\" && $Y == 1 ]] && echo ok", Dialect::Posix),
        ["0:Start:[[|-n|$X|&&|$Y|==|1|]]", "0:And:echo|ok"]
    );
    // process substitution and arrays
    assert_eq!(
        show(
            "source <(curl -s https://x); arr=(a b c); echo ${arr[@]}",
            Dialect::Posix
        ),
        [
            "0:Start:source|<(curl -s https://x)",
            "1:Start:curl|-s|https://x",
            "0:Seq:echo|${arr[@]}"
        ]
    );
    // time / ! prefixes, || and |&
    assert_eq!(
        show("time -p make || ! make test |& tee l", Dialect::Posix),
        ["0:Start:make", "0:Or:make|test", "0:Pipe:tee|l"]
    );
    // program names
    assert_eq!(
        names("/usr/bin/apt-get update; ./configure", Dialect::Posix),
        ["apt-get", "configure"]
    );
}

// ------------------------------------------------------------------------------------------
// PowerShell
// ------------------------------------------------------------------------------------------

#[test]
fn ps_chocolatey_bootstrap() {
    let t = "Set-ExecutionPolicy Bypass -Scope Process -Force; \
             [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor 3072; \
             iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))";
    let s = parse(t, Dialect::PowerShell);
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:Set-ExecutionPolicy|Bypass|-Scope|Process|-Force",
            "0:Seq:[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor 3072",
            "0:Seq:iex|((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))",
            "2:Start:New-Object|System.Net.WebClient",
        ]
    );
    let iex = &s.commands[2];
    assert_eq!(iex.cmdlet_name(), "invoke-expression");
    assert!(iex.args()[0].text.contains("DownloadString('https://"));
    assert!(s.commands[1].is_expression() && !iex.is_expression());
    assert_eq!(
        raw(t, &s.commands[3].range),
        "New-Object System.Net.WebClient"
    );
    check_ranges(t, &s);
}

#[test]
fn ps_download_and_hash_check() {
    let t = "$url = 'https://github.com/x/y/releases/download/v1/y.zip'; \
             Invoke-WebRequest -Uri $url -OutFile y.zip -UseBasicParsing; \
             if ((Get-FileHash y.zip -Algorithm sha256).Hash -ne $env:Y_SHA256) { Write-Host 'bad'; exit 1 } \
             else { Expand-Archive y.zip -DestinationPath C:\\y }; Remove-Item y.zip -Force";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:$url = 'https://github.com/x/y/releases/download/v1/y.zip'",
            "0:Seq:Invoke-WebRequest|-Uri|$url|-OutFile|y.zip|-UseBasicParsing",
            "1:Start:(Get-FileHash y.zip -Algorithm sha256).Hash -ne $env:Y_SHA256",
            "2:Start:Get-FileHash|y.zip|-Algorithm|sha256",
            "1:Start:Write-Host|bad",
            "1:Seq:exit|1",
            "1:Start:Expand-Archive|y.zip|-DestinationPath|C:\\y",
            "0:Seq:Remove-Item|y.zip|-Force",
        ]
    );
    let s = parse(t, Dialect::PowerShell);
    let iwr = find(&s, "invoke-webrequest");
    assert_eq!(
        iwr.arg_value(&["-OutFile"]).map(|w| w.text.as_str()),
        Some("y.zip")
    );
    assert_eq!(
        iwr.arg_value(&["-uri"]).map(|w| w.text.as_str()),
        Some("$url")
    );
    assert!(iwr.has_arg(&["-usebasicparsing"]));
    let t = "if ((Get-FileHash x.zip -Algorithm sha256).Hash -ne $env:SHA) { throw }";
    assert_eq!(
        names(t, Dialect::PowerShell)[1..],
        ["get-filehash", "throw"]
    );
}

#[test]
fn ps_assignments() {
    let t = "$ErrorActionPreference = 'Stop'; $r = iwr -Uri:$u -UseBasicParsing | ConvertFrom-Json; \
             $env:PATH += ';C:\\tools'; [int]$n = 3";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:$ErrorActionPreference = 'Stop'",
            "0:Seq:iwr|-Uri|$u|-UseBasicParsing",
            "0:Pipe:ConvertFrom-Json",
            "0:Seq:$env:PATH += ';C:\\tools'",
            "0:Seq:[int]$n = 3",
        ]
    );
    let s = parse(t, Dialect::PowerShell);
    let iwr = &s.commands[1];
    assert_eq!(iwr.cmdlet_name(), "invoke-webrequest");
    assert_eq!(raw(t, &iwr.words[1].range), "-Uri");
    assert_eq!(raw(t, &iwr.words[2].range), "$u");
    // The value after `:` can be a switch value; a quoted `-x:y` is not a parameter.
    assert_eq!(
        show("x -Force:$false '-a:b'", Dialect::PowerShell),
        ["0:Start:x|-Force|$false|-a:b"]
    );
    // Chained assignment, RHS expression.
    assert_eq!(
        show("$a = $b = 1", Dialect::PowerShell),
        ["0:Start:$a = $b = 1"]
    );
    // Statement keyword on the right-hand side.
    assert_eq!(
        names("$v = if ($x) { Get-A } else { Get-B }", Dialect::PowerShell),
        ["$x", "get-a", "get-b"]
    );
}

#[test]
fn ps_tls_and_static_calls() {
    let t = "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12";
    let s = parse(t, Dialect::PowerShell);
    assert_eq!(s.commands.len(), 1);
    assert_eq!(s.commands[0].words[0].text, t);
    assert_eq!(s.commands[0].range, 0..t.len());
    let t = "[Environment]::SetEnvironmentVariable('Path', $env:Path + ';C:\\Go\\bin', [EnvironmentVariableTarget]::Machine); \
             (New-Object Net.WebClient).DownloadFile($u, 'C:\\go.msi')";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:[Environment]::SetEnvironmentVariable('Path', $env:Path + ';C:\\Go\\bin', [EnvironmentVariableTarget]::Machine)",
            "0:Seq:(New-Object Net.WebClient).DownloadFile($u, 'C:\\go.msi')",
            "1:Start:New-Object|Net.WebClient",
        ]
    );
    let t = "[System.Net.ServicePointManager]::ServerCertificateValidationCallback = {$true}";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [format!("0:Start:{t}"), "1:Start:$true".to_string()]
    );
}

#[test]
fn ps_operators_are_not_separators() {
    let t = "if ($a -eq 1 -and $b -ne 'x' -or -not $c) { $f = $g -bor 4 }";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "1:Start:$a -eq 1 -and $b -ne 'x' -or -not $c",
            "1:Start:$f = $g -bor 4"
        ]
    );
}

#[test]
fn ps_pipes_and_chains() {
    let t = "choco install -y git --version 2.44.0 && git --version || exit 1";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:choco|install|-y|git|--version|2.44.0",
            "0:And:git|--version",
            "0:Or:exit|1"
        ]
    );
    let t = "Get-ChildItem C:\\x -Recurse |\n  Where-Object { $_.Length -gt 0 } |\n  % { Remove-Item $_.FullName }";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:Get-ChildItem|C:\\x|-Recurse",
            "0:Pipe:Where-Object|{ $_.Length -gt 0 }",
            "1:Start:$_.Length -gt 0",
            "0:Pipe:%|{ Remove-Item $_.FullName }",
            "1:Start:Remove-Item|$_.FullName",
        ]
    );
    let s = parse(t, Dialect::PowerShell);
    assert_eq!(s.commands[3].cmdlet_name(), "foreach-object");
    assert_eq!(s.previous(3), Some(1));
    // pwsh 7 background operator
    assert_eq!(
        show("Start-Server & Get-Job", Dialect::PowerShell),
        ["0:Start:Start-Server", "0:Background:Get-Job"]
    );
    // An expression at the head of a pipeline.
    assert_eq!(
        show("'a','b' | Out-File x.txt", Dialect::PowerShell),
        ["0:Start:'a','b'", "0:Pipe:Out-File|x.txt"]
    );
}

#[test]
fn ps_call_operators_and_paths() {
    let t = "& $env:TEMP\\setup.exe /S; & 'C:\\Program Files\\Git\\bin\\git.exe' config --system core.longpaths true; \
             . .\\env.ps1; .\\install.ps1 -Force; & { Remove-Item x }; C:\\ProgramData\\chocolatey\\bin\\choco.exe list";
    assert_eq!(
        names(t, Dialect::PowerShell),
        [
            "setup",
            "git",
            "env",
            "install",
            "{ remove-item x }",
            "remove-item",
            "choco"
        ]
    );
    let s = parse(t, Dialect::PowerShell);
    assert_eq!(
        s.commands[1].words[0].text,
        "C:\\Program Files\\Git\\bin\\git.exe"
    );
    assert_eq!(
        raw(t, &s.commands[1].words[0].range),
        "'C:\\Program Files\\Git\\bin\\git.exe'"
    );
    assert!(raw(t, &s.commands[1].range).starts_with("& 'C:"));
    assert_eq!(
        names("7z x a.7z; 1..3 | % { $_ }", Dialect::PowerShell),
        ["7z", "1..3", "%", "$_"]
    );
}

#[test]
fn ps_strings() {
    let t = "Write-Host 'it''s $x' \"a `\"b`\" `$c $d `t\" \"say \"\"hi\"\"\" \"n=$(Get-Date -Format yyyy)\"";
    let s = parse(t, Dialect::PowerShell);
    let w: Vec<&str> = s.commands[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(
        w,
        [
            "Write-Host",
            "it's $x",
            "a \"b\" $c $d \t",
            "say \"hi\"",
            "n=$(Get-Date -Format yyyy)"
        ]
    );
    assert_eq!(s.commands[1].name(), "get-date");
    assert_eq!(s.commands[1].depth, 1);
    // Here-strings, with and without expansion.
    let t = "$cfg = @\"\n<add key=\"x\" value=\"$(Get-Item a)\" />\n\"@\nSet-Content c.xml @'\nliteral $(not-a-command)\n'@; Get-Item b";
    let s = parse(t, Dialect::PowerShell);
    assert_eq!(
        names(t, Dialect::PowerShell)[1..],
        ["get-item", "set-content", "get-item"]
    );
    assert_eq!(
        s.commands[0].words[0].text,
        "$cfg = @\"\n<add key=\"x\" value=\"$(Get-Item a)\" />\n\"@"
    );
    assert_eq!(s.commands[2].words[1].text, "c.xml");
    assert_eq!(s.commands[2].words[2].text, "literal $(not-a-command)");
    assert_eq!(s.commands[3].connector, Connector::Seq);
    check_ranges(t, &s);
}

#[test]
fn ps_comments_and_continuations() {
    let t = "<# download #> Invoke-WebRequest `\n  -Uri https://x `\r\n  -OutFile a.zip # trailing && comment\n# whole line\nExpand-Archive a.zip";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:Invoke-WebRequest|-Uri|https://x|-OutFile|a.zip",
            "0:Seq:Expand-Archive|a.zip"
        ]
    );
    // `#` inside a word is not a comment.
    assert_eq!(
        show("Write-Host a#b", Dialect::PowerShell),
        ["0:Start:Write-Host|a#b"]
    );
}

#[test]
fn ps_statements() {
    let t = "foreach ($f in Get-ChildItem C:\\x) { Remove-Item $f -Force }; \
             try { iwr $u -OutFile a } catch [System.Net.WebException], [System.IO.IOException] { Write-Host \"fail $($_.Exception.Message)\" } finally { rm a }; \
             switch -Regex ($v) { '^1' { iwr a } default { iwr b } }; \
             while ($true) { break }; do { Start-Sleep 1 } until (Test-Path x); \
             function Get-Y([string]$a) { param($b) iwr $a }; for ($i = 0; $i -lt 3; $i++) { ping x }";
    assert_eq!(
        names(t, Dialect::PowerShell),
        [
            "get-childitem",
            "remove-item",
            "iwr",
            "write-host",
            "rm",
            "$v",
            "iwr",
            "iwr",
            "$true",
            "break",
            "start-sleep",
            "test-path",
            "iwr",
            "$i = 0",
            "$i -lt 3",
            "$i++",
            "ping",
        ]
    );
    let s = parse(t, Dialect::PowerShell);
    assert!(s.commands.iter().all(|c| c.depth == 1), "{s:#?}");
    // Keywords followed by `-` are command names (`Exit-PSSession`), and keywords are
    // only recognised at the start of a pipeline (`| foreach { }` is ForEach-Object).
    assert_eq!(
        names("Exit-PSSession; 1,2 | foreach { $_ }", Dialect::PowerShell),
        ["exit-pssession", "1,2", "foreach", "$_"]
    );
    let s = parse("1,2 | foreach { $_ }", Dialect::PowerShell);
    assert_eq!(s.commands[1].cmdlet_name(), "foreach-object");
}

#[test]
fn ps_nested_commands_in_arguments() {
    let t = "New-LocalUser -Name svc -Password (ConvertTo-SecureString 'P@ssw0rd!' -AsPlainText -Force); \
             Invoke-Command -ScriptBlock { Set-MpPreference -DisableRealtimeMonitoring $true }; \
             $h = @{ Uri = 'https://x'; Body = (Get-Content b.json) }; setx /M PATH $($env:PATH + ';C:\\tools')";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:New-LocalUser|-Name|svc|-Password|(ConvertTo-SecureString 'P@ssw0rd!' -AsPlainText -Force)",
            "1:Start:ConvertTo-SecureString|P@ssw0rd!|-AsPlainText|-Force",
            "0:Seq:Invoke-Command|-ScriptBlock|{ Set-MpPreference -DisableRealtimeMonitoring $true }",
            "1:Start:Set-MpPreference|-DisableRealtimeMonitoring|$true",
            "0:Seq:$h = @{ Uri = 'https://x'; Body = (Get-Content b.json) }",
            "1:Start:Get-Content|b.json",
            "0:Seq:setx|/M|PATH|$($env:PATH + ';C:\\tools')",
        ]
    );
    // Array arguments are separate words.
    let t = "Start-Process msiexec.exe -ArgumentList '/i', 'C:\\x.msi', '/qn' -Wait -NoNewWindow";
    assert_eq!(
        show(t, Dialect::PowerShell),
        ["0:Start:Start-Process|msiexec.exe|-ArgumentList|/i|C:\\x.msi|/qn|-Wait|-NoNewWindow"]
    );
}

#[test]
fn ps_redirections_and_stop_parsing() {
    let t = "& $exe /quiet 2>&1 | Out-Null; iwr $u *> $null; Write-Output x >> log.txt; icacls.exe C:\\x --% /grant Users:(OI)(CI)F";
    assert_eq!(
        show(t, Dialect::PowerShell),
        [
            "0:Start:$exe|/quiet",
            "0:Pipe:Out-Null",
            "0:Seq:iwr|$u",
            "0:Seq:Write-Output|x",
            "0:Seq:icacls.exe|C:\\x|/grant|Users:(OI)(CI)F",
        ]
    );
}

#[test]
fn ps_interpreters_are_reparsed() {
    let t = "powershell -NoProfile -ExecutionPolicy Bypass -Command \"iwr $u -OutFile x; Expand-Archive x\"; \
             pwsh -nop -c 'Install-Module Pester -Force -SkipPublisherCheck'; cmd /c \"mklink /D C:\\a C:\\b && dir\"";
    let s = parse(t, Dialect::PowerShell);
    assert_eq!(
        names(t, Dialect::PowerShell),
        [
            "powershell",
            "iwr",
            "expand-archive",
            "pwsh",
            "install-module",
            "cmd",
            "mklink",
            "dir"
        ]
    );
    let im = find(&s, "install-module");
    assert_eq!(
        (im.depth, raw(t, &im.range)),
        (1, "Install-Module Pester -Force -SkipPublisherCheck")
    );
    assert!(im.has_arg(&["-skippublishercheck"]));
    assert_eq!(raw(t, &find(&s, "mklink").range), "mklink /D C:\\a C:\\b");
    check_ranges(t, &s);
    // -File / -EncodedCommand are not inline scripts; pwsh's positional argument is a file.
    assert_eq!(
        names("powershell -File C:\\x.ps1 -c y", Dialect::PowerShell),
        ["powershell"]
    );
    assert_eq!(
        names("powershell -EncodedCommand SQBFAFgA", Dialect::PowerShell),
        ["powershell"]
    );
    assert_eq!(names("pwsh ./build.ps1", Dialect::PowerShell), ["pwsh"]);
    // Windows PowerShell's positional arguments are the command.
    assert_eq!(
        names("powershell.exe Get-Date", Dialect::PowerShell),
        ["powershell", "get-date"]
    );
}

// ------------------------------------------------------------------------------------------
// cmd
// ------------------------------------------------------------------------------------------

#[test]
fn cmd_basic_separators() {
    let t = "msiexec /i C:\\x.msi /qn /norestart && del C:\\x.msi & setx /M PATH \"%PATH%;C:\\Program Files\\Git\\cmd\" || exit /b 1";
    assert_eq!(
        show(t, Dialect::Cmd),
        [
            "0:Start:msiexec|/i|C:\\x.msi|/qn|/norestart",
            "0:And:del|C:\\x.msi",
            "0:Seq:setx|/M|PATH|%PATH%;C:\\Program Files\\Git\\cmd",
            "0:Or:exit|/b|1",
        ]
    );
    let s = parse(t, Dialect::Cmd);
    assert_eq!(
        raw(t, &s.commands[2].words[3].range),
        "\"%PATH%;C:\\Program Files\\Git\\cmd\""
    );
    assert_eq!(
        show("echo a | findstr a", Dialect::Cmd),
        ["0:Start:echo|a", "0:Pipe:findstr|a"]
    );
}

#[test]
fn cmd_escapes_quotes_redirections() {
    assert_eq!(
        show("echo ^& not a sep > nul 2>&1", Dialect::Cmd),
        ["0:Start:echo|&|not|a|sep"]
    );
    assert_eq!(
        show("echo \"a & b\" 1>log.txt", Dialect::Cmd),
        ["0:Start:echo|a & b"]
    );
    // Program argument rules: \" is a literal quote, 2n backslashes before a quote give n.
    assert_eq!(
        show(r#"x.exe "a\"b" c:\dir\\ "d\\" e"#, Dialect::Cmd),
        [r#"0:Start:x.exe|a"b|c:\dir\\|d\|e"#]
    );
    // cmd itself does not know \" : the & here is outside cmd's quotes and separates.
    let t = r#"powershell -Command "Write-Host \"a & b\"""#;
    assert_eq!(names(t, Dialect::Cmd), ["powershell", "write-host", "b\""]);
    // rem and :: comments, @ prefix, leading delimiters
    assert_eq!(
        show(
            "@echo off\nrem curl x & wget y\n:: comment\n  ;copy a b",
            Dialect::Cmd
        ),
        ["0:Start:echo|off", "0:Seq:copy|a|b"]
    );
}

#[test]
fn cmd_if_for_blocks() {
    let t = "if exist C:\\x (del /q C:\\x) else (echo none & echo more)";
    assert_eq!(
        show(t, Dialect::Cmd),
        [
            "1:Start:del|/q|C:\\x",
            "1:Start:echo|none",
            "1:Seq:echo|more"
        ]
    );
    let t = "if not \"%VER%\"==\"\" curl -o a %URL% && echo ok\necho next";
    assert_eq!(
        show(t, Dialect::Cmd),
        [
            "1:Start:curl|-o|a|%URL%",
            "1:And:echo|ok",
            "0:Seq:echo|next"
        ]
    );
    assert_eq!(
        show("if /i %A% EQU b (echo y)", Dialect::Cmd),
        ["1:Start:echo|y"]
    );
    assert_eq!(
        show("if errorlevel 1 exit /b 1", Dialect::Cmd),
        ["1:Start:exit|/b|1"]
    );
    let t = "for /f \"tokens=*\" %%a in ('dir /b') do (echo %%a & del %%a)";
    assert_eq!(show(t, Dialect::Cmd), ["1:Start:echo|%%a", "1:Seq:del|%%a"]);
    assert_eq!(
        show("(echo a) & (echo b)", Dialect::Cmd),
        ["1:Start:echo|a", "1:Start:echo|b"]
    );
    // `)` outside a block is an ordinary character.
    assert_eq!(show("echo a)", Dialect::Cmd), ["0:Start:echo|a)"]);
}

#[test]
fn cmd_nested_interpreters_and_wrappers() {
    let t = "cmd /S /C \"echo a && echo b\" || exit 1";
    let s = parse(t, Dialect::Cmd);
    assert_eq!(
        show(t, Dialect::Cmd),
        [
            "0:Start:cmd|/S|/C|echo a && echo b",
            "1:Start:echo|a",
            "1:And:echo|b",
            "0:Or:exit|1"
        ]
    );
    assert_eq!(raw(t, &s.commands[2].range), "echo b");
    // A quoted program path after /C without /S keeps its quotes.
    let t = "cmd /c \"C:\\Program Files\\x\\x.exe\" -q";
    let s = parse(t, Dialect::Cmd);
    assert_eq!(s.commands[1].words[0].text, "C:\\Program Files\\x\\x.exe");
    assert_eq!(s.commands[1].name(), "x");

    let t = "powershell -Command $ErrorActionPreference = 'Stop'; iwr https://x -OutFile y.zip; Expand-Archive y.zip";
    assert_eq!(
        show(t, Dialect::Cmd)[1..],
        [
            "1:Start:$ErrorActionPreference = 'Stop'",
            "1:Seq:iwr|https://x|-OutFile|y.zip",
            "1:Seq:Expand-Archive|y.zip"
        ]
    );
    let s = parse(t, Dialect::Cmd);
    assert_eq!(raw(t, &s.commands[2].range), "iwr https://x -OutFile y.zip");
    check_ranges(t, &s);
    let t = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoLogo -c \"[Net.ServicePointManager]::SecurityProtocol = 'Tls12'\"";
    let s = parse(t, Dialect::Cmd);
    assert_eq!(
        s.commands[1].words[0].text,
        "[Net.ServicePointManager]::SecurityProtocol = 'Tls12'"
    );
    assert_eq!(
        raw(t, &s.commands[1].range),
        "[Net.ServicePointManager]::SecurityProtocol = 'Tls12'"
    );

    assert_eq!(
        show("start /wait msiexec /i x.msi /qn", Dialect::Cmd)[1],
        "1:Start:msiexec|/i|x.msi|/qn"
    );
    assert_eq!(
        show("start \"\" /b /wait C:\\x\\setup.exe /S", Dialect::Cmd)[1],
        "1:Start:C:\\x\\setup.exe|/S"
    );
    assert_eq!(
        names("call C:\\x\\setup.bat /q & call :label", Dialect::Cmd),
        ["call", "setup", "call"]
    );
}

// ------------------------------------------------------------------------------------------
// Shared API and robustness
// ------------------------------------------------------------------------------------------

#[test]
fn names_and_aliases() {
    assert_eq!(
        program_name("C:\\ProgramData\\chocolatey\\bin\\choco.exe"),
        "choco"
    );
    assert_eq!(program_name("/usr/bin/apt-get"), "apt-get");
    let s = parse(
        "Microsoft.PowerShell.Utility\\Invoke-WebRequest x; curl.exe -k x; curl x; IWR x",
        Dialect::PowerShell,
    );
    let c: Vec<String> = s.commands.iter().map(Command::cmdlet_name).collect();
    assert_eq!(
        c,
        [
            "invoke-webrequest",
            "curl",
            "invoke-webrequest",
            "invoke-webrequest"
        ]
    );
    assert_eq!(powershell_alias("gci"), Some("get-childitem"));
    assert_eq!(powershell_alias("get-childitem"), None);
}

#[test]
fn empty_and_garbage_inputs() {
    for d in [Dialect::Posix, Dialect::PowerShell, Dialect::Cmd] {
        assert!(parse("", d).commands.is_empty());
        assert!(parse("   \n\t ", d).commands.is_empty());
        for t in [
            "\"unterminated",
            "'x",
            "$(",
            "`",
            "((",
            "))",
            "}{",
            "@\"\nno end",
            "<#",
            "^",
            "\\",
            "a & & | |",
            "é ü 😀 $(é)",
        ] {
            let s = parse(t, d);
            check_ranges(t, &s);
        }
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let pats = [
        "$(",
        "(",
        "{ ",
        "@{",
        "\"$(",
        "`",
        "if (",
        "sh -c '",
        "cmd /c ",
        "powershell -c ",
        "sudo ",
        "<(",
        "@\"\n",
    ];
    for p in pats {
        let t = p.repeat(5000);
        for d in [Dialect::Posix, Dialect::PowerShell, Dialect::Cmd] {
            let s = parse(&t, d);
            check_ranges(&t, &s);
            assert!(s.commands.iter().all(|c| c.depth <= 5000 * 3), "{p}");
        }
    }
    // A long flat script is fine too.
    let t = "echo a && ".repeat(20000);
    assert_eq!(parse(&t, Dialect::Posix).commands.len(), 20000);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn check(text: &str) {
        for d in [Dialect::Posix, Dialect::PowerShell, Dialect::Cmd] {
            let s = parse(text, d);
            check_ranges(text, &s);
            for w in s.commands.iter() {
                assert!(!w.words.is_empty());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_strings_never_panic(text in any::<String>()) {
            check(&text);
        }

        #[test]
        fn shell_like_strings_never_panic(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("$("), Just(")"), Just("("), Just("{"), Just("}"), Just("'"), Just("\""),
                    Just("`"), Just("\\"), Just("^"), Just("&&"), Just("||"), Just("|"), Just(";"),
                    Just("\n"), Just(" "), Just("@\"\n"), Just("\n\"@"), Just("<<EOF"), Just("EOF"),
                    Just("<#"), Just("#>"), Just("#"), Just("if"), Just("then"), Just("fi"), Just("case"),
                    Just("in"), Just("esac"), Just("sh -c"), Just("cmd /c"), Just("powershell -c"),
                    Just("=") , Just("--a=b"), Just("-P:v"), Just("[x]::y"), Just("@{"), Just("é"),
                    Just("😀"), Just("2>&1"), Just("--%"), Just("sudo"), Just("start"), Just("for"),
                    Just("do"), Just("$'"), Just("${"), Just("$(("), Just("<("), Just("\r\n"),
                ],
                0..40,
            )
        ) {
            check(&parts.concat());
        }

        /// The allocation-free `program_name` equals its plain definition: last path segment,
        /// lowercased, one known extension removed.
        #[test]
        fn program_name_matches_its_definition(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("/"), Just("\\"), Just("C:"), Just("usr"), Just("bin"), Just("Apt-Get"),
                    Just("curl"), Just(".exe"), Just(".EXE"), Just(".Cmd"), Just(".bat"), Just(".ps1"),
                    Just(".com"), Just(".zip"), Just("."), Just("é"), Just("É"), Just("😀"), Just("x"),
                ],
                0..8,
            )
        ) {
            let word = parts.concat();
            let base = word.rsplit(['/', '\\']).next().unwrap_or(&word).to_ascii_lowercase();
            let expected = [".exe", ".cmd", ".bat", ".ps1", ".com"]
                .iter()
                .find_map(|ext| base.strip_suffix(ext))
                .map_or(base.clone(), str::to_string);
            let got = program_name(&word);
            prop_assert_eq!(got.as_str(), expected.as_str());
        }
    }
}
