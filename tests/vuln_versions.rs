//! Every version ordering against a plain ascending list: each pair (i < j) must compare as
//! less, and every member must equal itself; plus groups of spellings that must compare equal.

use std::cmp::Ordering;

use portcullis::vuln::version::{Scheme, compare_in, parse};

fn check_ascending(scheme: Scheme, list: &[&str]) {
    assert!(list.len() >= 30, "{scheme}: only {} versions", list.len());
    for v in list {
        assert!(parse(scheme, v).is_ok(), "{scheme}: {v:?} does not parse");
    }
    for (i, a) in list.iter().enumerate() {
        assert_eq!(
            compare_in(scheme, a, a),
            Some(Ordering::Equal),
            "{scheme}: {a} = {a}"
        );
        for b in list.iter().skip(i + 1) {
            assert_eq!(
                compare_in(scheme, a, b),
                Some(Ordering::Less),
                "{scheme}: {a} < {b}"
            );
            assert_eq!(
                compare_in(scheme, b, a),
                Some(Ordering::Greater),
                "{scheme}: {b} > {a}"
            );
        }
    }
}

fn check_equal(scheme: Scheme, groups: &[&[&str]]) {
    for group in groups {
        for a in *group {
            for b in *group {
                assert_eq!(
                    compare_in(scheme, a, b),
                    Some(Ordering::Equal),
                    "{scheme}: {a} = {b}"
                );
            }
        }
    }
}

#[test]
fn nuget() {
    check_ascending(
        Scheme::NuGet,
        &[
            "0.0.0-0",
            "0.0.0-alpha",
            "0.0.0",
            "0.0.1",
            "0.1.0-beta.2",
            "0.1.0-beta.11",
            "0.1.0-RC",
            "0.1.0-rc.1",
            "0.1.0",
            "0.9.9.1",
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-alpha",
            "1.0.0-Alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-BETA",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-beta2",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1-alpha",
            "1.0.0.1",
            "1.0.1",
            "1.0.10",
            "1.1",
            "1.2.3.4",
            "1.10.0",
            "2.0.0-preview.1.23456.7",
            "2.0.0",
            "10.0.0",
            "99999999999999999999.0.0",
        ],
    );
    check_equal(
        Scheme::NuGet,
        &[
            &[
                "1.0",
                "1.0.0",
                "1.0.0.0",
                "01.00.000",
                "v1.0.0",
                "1.0.0+meta",
                "1",
            ],
            &["1.0.0-BETA", "1.0.0-beta", "1.0.0-Beta+x.y", "1.0-beta"],
            &["1.0.01", "1.0.1.0"],
        ],
    );
}

#[test]
fn semver() {
    check_ascending(
        Scheme::SemVer,
        &[
            "0.0.0-0",
            "0.0.0-alpha",
            "0.0.0",
            "0.0.1-0",
            "0.0.1",
            "0.1.0",
            "0.9.99",
            "0.10.0",
            "1.0.0-0",
            "1.0.0-0.0",
            "1.0.0-1",
            "1.0.0-2",
            "1.0.0-10",
            "1.0.0-A",
            "1.0.0-Z",
            "1.0.0-a",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-rc1",
            "1.0.0",
            "1.0.1",
            "1.1.0-alpha",
            "1.1.0",
            "1.9.0",
            "1.10.0",
            "2.0.0",
            "10.0.0",
            "18446744073709551616.0.0",
        ],
    );
    check_equal(
        Scheme::SemVer,
        &[
            &[
                "1.2.3",
                "v1.2.3",
                "=1.2.3",
                "1.2.3+build",
                "1.2.3+other.build",
            ],
            &["1.2", "1.2.0"],
        ],
    );
}

#[test]
fn pep440() {
    check_ascending(
        Scheme::Pep440,
        &[
            "0.0.1",
            "0.1.dev0",
            "0.1a1",
            "0.1",
            "0.1.post1",
            "0.9",
            "1.0.dev0",
            "1.0.dev1",
            "1.0a1.dev1",
            "1.0a1",
            "1.0a2",
            "1.0b1",
            "1.0rc1.dev0",
            "1.0rc1",
            "1.0rc1.post1",
            "1.0",
            "1.0+abc",
            "1.0+abc.5",
            "1.0+1",
            "1.0.post1.dev0",
            "1.0.post1",
            "1.0.post1+local",
            "1.0.post2",
            "1.0.1",
            "1.1.dev1",
            "1.1",
            "1.10",
            "2.0",
            "2012.10",
            "1!0.5",
            "1!1.0",
            "2!0.0.1",
        ],
    );
    check_equal(
        Scheme::Pep440,
        &[
            &[
                "1.0", "1.0.0", "1.0.0.0", "v1.0", " 1.0.0 ", "V1.0", "0!1.0",
            ],
            &[
                "1.0rc1",
                "1.0RC1",
                "1.0c1",
                "1.0-rc-1",
                "1.0.rc.1",
                "1.0pre1",
                "1.0preview1",
            ],
            &[
                "1.0.post1",
                "1.0-1",
                "1.0post1",
                "1.0.r1",
                "1.0-rev1",
                "1.0_post_1",
            ],
            &["1.0a0", "1.0a", "1.0alpha", "1.0.alpha0"],
            &["1.0.dev0", "1.0dev", "1.0-dev0", "1.0_dev"],
            &["1.0+ubuntu-1", "1.0+ubuntu.1", "1.0+UBUNTU_1"],
        ],
    );
}

#[test]
fn go() {
    check_ascending(
        Scheme::Go,
        &[
            "v0.0.0-20180101000000-aaaaaaaaaaaa",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-000000000000",
            "v0.0.1",
            "v0.1.0",
            "v0.2.0",
            "v0.3.6",
            "v0.3.7-0.20210503195748-5c7c50ebbd4f",
            "v0.3.7",
            "v0.3.8",
            "v0.9.0",
            "v0.10.0",
            "v1.0.0-alpha",
            "v1.0.0-beta.1",
            "v1.0.0-rc.1",
            "v1.0.0",
            "v1.1.0",
            "v1.1.1",
            "v1.2.3-pre",
            "v1.2.3-pre.0.20191109021931-daa7c04131f5",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4",
            "v1.10.0",
            "v2.0.0-rc.1",
            "v2.0.0+incompatible",
            "v2.0.1",
            "v2.1.0",
            "v3.0.0",
            "v10.0.0",
            "v100.0.0",
        ],
    );
    check_equal(
        Scheme::Go,
        &[
            &["v2.0.0+incompatible", "v2.0.0", "2.0.0"],
            &["go1.21.3", "v1.21.3", "1.21.3"],
        ],
    );
}

#[test]
fn debian() {
    check_ascending(
        Scheme::Debian,
        &[
            "0:0.9",
            "0.10",
            "1.0~~",
            "1.0~~a",
            "1.0~",
            "1.0~beta1",
            "1.0~rc1",
            "1.0",
            "1.0-0.1",
            "1.0-1~bpo1",
            "1.0-1",
            "1.0-1+b1",
            "1.0-1.1",
            "1.0-2",
            "1.0-10",
            "1.0a",
            "1.0+dfsg",
            "1.0+dfsg-1",
            "1.0.1",
            "1.1",
            "1.1a",
            "1.2~rc1",
            "1.2",
            "1.10",
            "2.0",
            "2.7.4+reloaded2-13ubuntu1",
            "2.7.4+reloaded2-13+deb9u1",
            "10.0",
            "1:0.1",
            "1:1.0",
            "2:0.0.44-1",
            "2:0.0.44-nobin",
        ],
    );
    check_equal(
        Scheme::Debian,
        &[
            &["1.0", "0:1.0", "1.0-0", "1.0-00"],
            &["1.2.3-01", "1.2.3-1"],
        ],
    );
}

#[test]
fn alpine() {
    check_ascending(
        Scheme::Alpine,
        &[
            "0.1.0_alpha",
            "0.1.0_alpha2",
            "0.1.0_beta",
            "0.1.0_pre1",
            "0.1.0_rc1",
            "0.1.0",
            "0.1.0-r1",
            "0.1.0_cvs1",
            "0.1.0_svn1",
            "0.1.0_git20200101",
            "0.1.0_hg1",
            "0.1.0_p1",
            "0.1.0_p2",
            "0.1.0a",
            "0.1.0b",
            "0.1.0.0",
            "0.1.01",
            "0.1.05",
            "0.1.1",
            "0.2",
            "0.10",
            "1.0",
            "1.0-r1",
            "1.0-r2",
            "1.0-r10",
            "1.2.3",
            "1.2.3_p1-r1",
            "1.10.0",
            "2.0",
            "2.0.1_rc1_p2",
            "2.0.1",
        ],
    );
    check_equal(
        Scheme::Alpine,
        &[
            &["1.2.3~abc123-r0", "1.2.3-r0", "1.2.3", "1.2.3~f00"],
            &["1-r1", "1-r01"],
        ],
    );
}
