//! CVSS v4.0 scores (specification section 8: MacroVectors, their scores, and interpolation by
//! severity distance).
//!
//! A vector is classified into six equivalence classes (EQ1–EQ6) giving its MacroVector, whose
//! score comes from the specification's lookup table. The score is then lowered, for each EQ
//! that has a lower MacroVector, by the MacroVector's score difference to it times the vector's
//! severity distance from the MacroVector's highest-severity vectors divided by the
//! MacroVector's depth; the mean of those reductions is subtracted and the result rounded to
//! one decimal. Threat (`E`) and environmental metrics are honoured when present (unset `E`
//! counts as Attacked, unset `CR`/`IR`/`AR` as High), so a base-only vector yields CVSS-B.

use std::collections::BTreeMap;

use super::{CvssError, Score, split_metrics};

/// Allowed values for every metric, base metrics first.
const METRICS: [(&str, &[&str]); 32] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
    ("E", &["X", "A", "P", "U"]),
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MAT", &["X", "N", "P"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "P", "A"]),
    ("MVC", &["X", "H", "L", "N"]),
    ("MVI", &["X", "H", "L", "N"]),
    ("MVA", &["X", "H", "L", "N"]),
    ("MSC", &["X", "H", "L", "N"]),
    ("MSI", &["X", "S", "H", "L", "N"]),
    ("MSA", &["X", "S", "H", "L", "N"]),
    ("S", &["X", "N", "P"]),
    ("AU", &["X", "N", "Y"]),
    ("R", &["X", "A", "U", "I"]),
    ("V", &["X", "D", "C"]),
    ("RE", &["X", "L", "M", "H"]),
    ("U", &["X", "Clear", "Green", "Amber", "Red"]),
];
const BASE_COUNT: usize = 11;

/// MacroVector (EQ1..EQ6 digits) → score in tenths, from the specification.
const LOOKUP: [(&str, u8); 270] = [
    ("000000", 100),
    ("000001", 99),
    ("000010", 98),
    ("000011", 95),
    ("000020", 95),
    ("000021", 92),
    ("000100", 100),
    ("000101", 96),
    ("000110", 93),
    ("000111", 87),
    ("000120", 91),
    ("000121", 81),
    ("000200", 93),
    ("000201", 90),
    ("000210", 89),
    ("000211", 80),
    ("000220", 81),
    ("000221", 68),
    ("001000", 98),
    ("001001", 95),
    ("001010", 95),
    ("001011", 92),
    ("001020", 90),
    ("001021", 84),
    ("001100", 93),
    ("001101", 92),
    ("001110", 89),
    ("001111", 81),
    ("001120", 81),
    ("001121", 65),
    ("001200", 88),
    ("001201", 80),
    ("001210", 78),
    ("001211", 70),
    ("001220", 69),
    ("001221", 48),
    ("002001", 92),
    ("002011", 82),
    ("002021", 72),
    ("002101", 79),
    ("002111", 69),
    ("002121", 50),
    ("002201", 69),
    ("002211", 55),
    ("002221", 27),
    ("010000", 99),
    ("010001", 97),
    ("010010", 95),
    ("010011", 92),
    ("010020", 92),
    ("010021", 85),
    ("010100", 95),
    ("010101", 91),
    ("010110", 90),
    ("010111", 83),
    ("010120", 84),
    ("010121", 71),
    ("010200", 92),
    ("010201", 81),
    ("010210", 82),
    ("010211", 71),
    ("010220", 72),
    ("010221", 53),
    ("011000", 95),
    ("011001", 93),
    ("011010", 92),
    ("011011", 85),
    ("011020", 85),
    ("011021", 73),
    ("011100", 92),
    ("011101", 82),
    ("011110", 80),
    ("011111", 72),
    ("011120", 70),
    ("011121", 59),
    ("011200", 84),
    ("011201", 70),
    ("011210", 71),
    ("011211", 52),
    ("011220", 50),
    ("011221", 30),
    ("012001", 86),
    ("012011", 75),
    ("012021", 52),
    ("012101", 71),
    ("012111", 52),
    ("012121", 29),
    ("012201", 63),
    ("012211", 29),
    ("012221", 17),
    ("100000", 98),
    ("100001", 95),
    ("100010", 94),
    ("100011", 87),
    ("100020", 91),
    ("100021", 81),
    ("100100", 94),
    ("100101", 89),
    ("100110", 86),
    ("100111", 74),
    ("100120", 77),
    ("100121", 64),
    ("100200", 87),
    ("100201", 75),
    ("100210", 74),
    ("100211", 63),
    ("100220", 63),
    ("100221", 49),
    ("101000", 94),
    ("101001", 89),
    ("101010", 88),
    ("101011", 77),
    ("101020", 76),
    ("101021", 67),
    ("101100", 86),
    ("101101", 76),
    ("101110", 74),
    ("101111", 58),
    ("101120", 59),
    ("101121", 50),
    ("101200", 72),
    ("101201", 57),
    ("101210", 57),
    ("101211", 52),
    ("101220", 52),
    ("101221", 25),
    ("102001", 83),
    ("102011", 70),
    ("102021", 54),
    ("102101", 65),
    ("102111", 58),
    ("102121", 26),
    ("102201", 53),
    ("102211", 21),
    ("102221", 13),
    ("110000", 95),
    ("110001", 90),
    ("110010", 88),
    ("110011", 76),
    ("110020", 76),
    ("110021", 70),
    ("110100", 90),
    ("110101", 77),
    ("110110", 75),
    ("110111", 62),
    ("110120", 61),
    ("110121", 53),
    ("110200", 77),
    ("110201", 66),
    ("110210", 68),
    ("110211", 59),
    ("110220", 52),
    ("110221", 30),
    ("111000", 89),
    ("111001", 78),
    ("111010", 76),
    ("111011", 67),
    ("111020", 62),
    ("111021", 58),
    ("111100", 74),
    ("111101", 59),
    ("111110", 57),
    ("111111", 57),
    ("111120", 47),
    ("111121", 23),
    ("111200", 61),
    ("111201", 52),
    ("111210", 57),
    ("111211", 29),
    ("111220", 24),
    ("111221", 16),
    ("112001", 71),
    ("112011", 59),
    ("112021", 30),
    ("112101", 58),
    ("112111", 26),
    ("112121", 15),
    ("112201", 23),
    ("112211", 13),
    ("112221", 6),
    ("200000", 93),
    ("200001", 87),
    ("200010", 86),
    ("200011", 72),
    ("200020", 75),
    ("200021", 58),
    ("200100", 86),
    ("200101", 74),
    ("200110", 74),
    ("200111", 61),
    ("200120", 56),
    ("200121", 34),
    ("200200", 70),
    ("200201", 54),
    ("200210", 52),
    ("200211", 40),
    ("200220", 40),
    ("200221", 22),
    ("201000", 85),
    ("201001", 75),
    ("201010", 74),
    ("201011", 55),
    ("201020", 62),
    ("201021", 51),
    ("201100", 72),
    ("201101", 57),
    ("201110", 55),
    ("201111", 41),
    ("201120", 46),
    ("201121", 19),
    ("201200", 53),
    ("201201", 36),
    ("201210", 34),
    ("201211", 19),
    ("201220", 19),
    ("201221", 8),
    ("202001", 64),
    ("202011", 51),
    ("202021", 20),
    ("202101", 47),
    ("202111", 21),
    ("202121", 11),
    ("202201", 24),
    ("202211", 9),
    ("202221", 4),
    ("210000", 88),
    ("210001", 75),
    ("210010", 73),
    ("210011", 53),
    ("210020", 60),
    ("210021", 50),
    ("210100", 73),
    ("210101", 55),
    ("210110", 59),
    ("210111", 40),
    ("210120", 41),
    ("210121", 20),
    ("210200", 54),
    ("210201", 43),
    ("210210", 45),
    ("210211", 22),
    ("210220", 20),
    ("210221", 11),
    ("211000", 75),
    ("211001", 55),
    ("211010", 58),
    ("211011", 45),
    ("211020", 40),
    ("211021", 21),
    ("211100", 61),
    ("211101", 51),
    ("211110", 48),
    ("211111", 18),
    ("211120", 20),
    ("211121", 9),
    ("211200", 46),
    ("211201", 18),
    ("211210", 17),
    ("211211", 7),
    ("211220", 8),
    ("211221", 2),
    ("212001", 53),
    ("212011", 24),
    ("212021", 14),
    ("212101", 24),
    ("212111", 12),
    ("212121", 5),
    ("212201", 10),
    ("212211", 3),
    ("212221", 1),
];

fn lookup(eq: [u8; 6]) -> Option<u8> {
    let key: [u8; 6] = eq.map(|d| b'0' + d);
    let idx = LOOKUP
        .binary_search_by(|(k, _)| k.as_bytes().cmp(&key[..]))
        .ok()?;
    LOOKUP.get(idx).map(|(_, s)| *s)
}

/// Severity level of a metric value in steps of 0.1 (0 = most severe), for distances.
fn level(metric: &str, value: &str) -> i32 {
    match (metric, value) {
        ("AV", "N") | ("PR", "N") | ("UI", "N") | ("AC", "L") | ("AT", "N") => 0,
        ("AV", "A") | ("PR", "L") | ("UI", "P") | ("AC", "H") | ("AT", "P") => 1,
        ("AV", "L") | ("PR", "H") | ("UI", "A") => 2,
        ("AV", "P") => 3,
        ("VC" | "VI" | "VA", "H") => 0,
        ("VC" | "VI" | "VA", "L") => 1,
        ("VC" | "VI" | "VA", "N") => 2,
        ("SC", "H") => 1,
        ("SC", "L") => 2,
        ("SC", "N") => 3,
        ("SI" | "SA", "S") => 0,
        ("SI" | "SA", "H") => 1,
        ("SI" | "SA", "L") => 2,
        ("SI" | "SA", "N") => 3,
        ("CR" | "IR" | "AR", "H") => 0,
        ("CR" | "IR" | "AR", "M") => 1,
        ("CR" | "IR" | "AR", "L") => 2,
        ("E", "A") => 0,
        ("E", "P") => 1,
        ("E", "U") => 2,
        _ => 0,
    }
}

/// Metrics that take part in severity distances.
const DISTANCE_METRICS: [&str; 15] = [
    "AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR", "E",
];

/// Highest-severity vectors of each EQ level, as (metric, value) lists.
type Max = &'static [(&'static str, &'static str)];

fn eq1_maxes(level: u8) -> &'static [Max] {
    match level {
        0 => &[&[("AV", "N"), ("PR", "N"), ("UI", "N")]],
        1 => &[
            &[("AV", "A"), ("PR", "N"), ("UI", "N")],
            &[("AV", "N"), ("PR", "L"), ("UI", "N")],
            &[("AV", "N"), ("PR", "N"), ("UI", "P")],
        ],
        _ => &[
            &[("AV", "P"), ("PR", "N"), ("UI", "N")],
            &[("AV", "A"), ("PR", "L"), ("UI", "P")],
        ],
    }
}

fn eq2_maxes(level: u8) -> &'static [Max] {
    match level {
        0 => &[&[("AC", "L"), ("AT", "N")]],
        _ => &[&[("AC", "H"), ("AT", "N")], &[("AC", "L"), ("AT", "P")]],
    }
}

fn eq3eq6_maxes(eq3: u8, eq6: u8) -> &'static [Max] {
    macro_rules! m {
        ($vc:literal $vi:literal $va:literal $cr:literal $ir:literal $ar:literal) => {
            &[
                ("VC", $vc),
                ("VI", $vi),
                ("VA", $va),
                ("CR", $cr),
                ("IR", $ir),
                ("AR", $ar),
            ]
        };
    }
    match (eq3, eq6) {
        (0, 0) => &[m!("H" "H" "H" "H" "H" "H")],
        (0, _) => &[m!("H" "H" "L" "M" "M" "H"), m!("H" "H" "H" "M" "M" "M")],
        (1, 0) => &[m!("L" "H" "H" "H" "H" "H"), m!("H" "L" "H" "H" "H" "H")],
        (1, _) => &[
            m!("L" "H" "L" "H" "M" "H"),
            m!("L" "H" "H" "H" "M" "M"),
            m!("H" "L" "H" "M" "H" "M"),
            m!("H" "L" "L" "M" "H" "H"),
            m!("L" "L" "H" "H" "H" "M"),
        ],
        _ => &[m!("L" "L" "L" "H" "H" "H")],
    }
}

fn eq4_maxes(level: u8) -> &'static [Max] {
    match level {
        0 => &[&[("SC", "H"), ("SI", "S"), ("SA", "S")]],
        1 => &[&[("SC", "H"), ("SI", "H"), ("SA", "H")]],
        _ => &[&[("SC", "L"), ("SI", "L"), ("SA", "L")]],
    }
}

fn eq5_maxes(level: u8) -> &'static [Max] {
    match level {
        0 => &[&[("E", "A")]],
        1 => &[&[("E", "P")]],
        _ => &[&[("E", "U")]],
    }
}

/// Depth of each MacroVector level, in 0.1 steps (the specification's "max severity" + 1).
fn depth_eq1(l: u8) -> i32 {
    match l {
        0 => 1,
        1 => 4,
        _ => 5,
    }
}
fn depth_eq2(l: u8) -> i32 {
    if l == 0 { 1 } else { 2 }
}
fn depth_eq3eq6(eq3: u8, eq6: u8) -> i32 {
    match (eq3, eq6) {
        (0, 0) => 7,
        (0, _) => 6,
        (1, _) => 8,
        _ => 10,
    }
}
fn depth_eq4(l: u8) -> i32 {
    match l {
        0 => 6,
        1 => 5,
        _ => 4,
    }
}

struct Vector<'a> {
    metrics: BTreeMap<&'a str, &'a str>,
}

impl<'a> Vector<'a> {
    fn parse(vector: &'a str) -> Result<Vector<'a>, CvssError> {
        let body = vector
            .trim()
            .strip_prefix("CVSS:4.0/")
            .ok_or(CvssError::WrongVersion { expected: "4.0" })?;
        let mut metrics = BTreeMap::new();
        for (k, v) in split_metrics(body)? {
            let Some((_, allowed)) = METRICS.iter().find(|(name, _)| *name == k) else {
                return Err(CvssError::UnknownMetric(k.chars().take(20).collect()));
            };
            if !allowed.contains(&v) {
                return Err(CvssError::InvalidValue {
                    metric: k.into(),
                    value: v.chars().take(20).collect(),
                });
            }
            metrics.insert(k, v);
        }
        for (name, _) in METRICS.iter().take(BASE_COUNT) {
            if !metrics.contains_key(name) {
                return Err(CvssError::Missing(name));
            }
        }
        Ok(Vector { metrics })
    }

    fn raw(&self, metric: &str) -> &str {
        self.metrics.get(metric).copied().unwrap_or("X")
    }

    /// The value scoring uses: the modified metric when set, worst-case defaults for unset
    /// threat and requirement metrics.
    fn get(&self, metric: &str) -> &str {
        let raw = self.raw(metric);
        match (metric, raw) {
            ("E", "X") => return "A",
            ("CR" | "IR" | "AR", "X") => return "H",
            _ => {}
        }
        let modified = match metric {
            "AV" => "MAV",
            "AC" => "MAC",
            "AT" => "MAT",
            "PR" => "MPR",
            "UI" => "MUI",
            "VC" => "MVC",
            "VI" => "MVI",
            "VA" => "MVA",
            "SC" => "MSC",
            "SI" => "MSI",
            "SA" => "MSA",
            _ => return raw,
        };
        match self.raw(modified) {
            "X" => raw,
            m => m,
        }
    }

    fn macro_vector(&self) -> [u8; 6] {
        let (av, pr, ui) = (self.get("AV"), self.get("PR"), self.get("UI"));
        let eq1 = if av == "N" && pr == "N" && ui == "N" {
            0
        } else if (av == "N" || pr == "N" || ui == "N") && av != "P" {
            1
        } else {
            2
        };
        let eq2 = if self.get("AC") == "L" && self.get("AT") == "N" {
            0
        } else {
            1
        };
        let (vc, vi, va) = (self.get("VC"), self.get("VI"), self.get("VA"));
        let eq3 = if vc == "H" && vi == "H" {
            0
        } else if vc == "H" || vi == "H" || va == "H" {
            1
        } else {
            2
        };
        let eq4 = if self.get("MSI") == "S" || self.get("MSA") == "S" {
            0
        } else if self.get("SC") == "H" || self.get("SI") == "H" || self.get("SA") == "H" {
            1
        } else {
            2
        };
        let eq5 = match self.get("E") {
            "A" => 0,
            "P" => 1,
            _ => 2,
        };
        let (cr, ir, ar) = (self.get("CR"), self.get("IR"), self.get("AR"));
        let eq6 =
            if (cr == "H" && vc == "H") || (ir == "H" && vi == "H") || (ar == "H" && va == "H") {
                0
            } else {
                1
            };
        [eq1, eq2, eq3, eq4, eq5, eq6]
    }
}

/// The CVSS v4.0 score of a `CVSS:4.0/…` vector.
pub fn score(vector: &str) -> Result<Score, CvssError> {
    let v = Vector::parse(vector)?;
    if ["VC", "VI", "VA", "SC", "SI", "SA"]
        .iter()
        .all(|m| v.get(m) == "N")
    {
        return Ok(Score::from_tenths(0));
    }
    let mv = v.macro_vector();
    let [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
    let Some(value) = lookup(mv) else {
        // Every valid vector has a MacroVector in the table.
        return Err(CvssError::Malformed(vector.chars().take(80).collect()));
    };
    let value = f64::from(value) / 10.0;
    let lower = |f: &dyn Fn([u8; 6]) -> [u8; 6]| lookup(f(mv)).map(|s| f64::from(s) / 10.0);

    let next_eq1 = lower(&|m| [m[0] + 1, m[1], m[2], m[3], m[4], m[5]]);
    let next_eq2 = lower(&|m| [m[0], m[1] + 1, m[2], m[3], m[4], m[5]]);
    let next_eq3eq6 = match (eq3, eq6) {
        (1, 1) | (0, 1) => lower(&|m| [m[0], m[1], m[2] + 1, m[3], m[4], m[5]]),
        (1, 0) => lower(&|m| [m[0], m[1], m[2], m[3], m[4], m[5] + 1]),
        (0, 0) => {
            let left = lower(&|m| [m[0], m[1], m[2], m[3], m[4], m[5] + 1]);
            let right = lower(&|m| [m[0], m[1], m[2] + 1, m[3], m[4], m[5]]);
            match (left, right) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            }
        }
        _ => lower(&|m| [m[0], m[1], m[2] + 1, m[3], m[4], m[5] + 1]),
    };
    let next_eq4 = lower(&|m| [m[0], m[1], m[2], m[3] + 1, m[4], m[5]]);
    let next_eq5 = lower(&|m| [m[0], m[1], m[2], m[3], m[4] + 1, m[5]]);

    // Highest-severity vectors of this MacroVector, tried in order; the first one the vector
    // does not exceed in any metric is the reference.
    let mut distances: BTreeMap<&str, i32> = BTreeMap::new();
    'search: for a in eq1_maxes(eq1) {
        for b in eq2_maxes(eq2) {
            for c in eq3eq6_maxes(eq3, eq6) {
                for d in eq4_maxes(eq4) {
                    for e in eq5_maxes(eq5) {
                        distances.clear();
                        for (metric, max_value) in a.iter().chain(*b).chain(*c).chain(*d).chain(*e)
                        {
                            distances.insert(
                                metric,
                                level(metric, v.get(metric)) - level(metric, max_value),
                            );
                        }
                        if DISTANCE_METRICS
                            .iter()
                            .all(|m| distances.get(m).copied().unwrap_or(0) >= 0)
                        {
                            break 'search;
                        }
                    }
                }
            }
        }
    }
    let d = |m: &str| distances.get(m).copied().unwrap_or(0);
    let dist_eq1 = d("AV") + d("PR") + d("UI");
    let dist_eq2 = d("AC") + d("AT");
    let dist_eq3eq6 = d("VC") + d("VI") + d("VA") + d("CR") + d("IR") + d("AR");
    let dist_eq4 = d("SC") + d("SI") + d("SA");

    let mut n = 0u32;
    let mut total = 0.0f64;
    let mut add = |next: Option<f64>, distance: i32, depth: i32| {
        if let Some(next) = next {
            n += 1;
            total += (value - next) * (f64::from(distance) / f64::from(depth));
        }
    };
    add(next_eq1, dist_eq1, depth_eq1(eq1));
    add(next_eq2, dist_eq2, depth_eq2(eq2));
    add(next_eq3eq6, dist_eq3eq6, depth_eq3eq6(eq3, eq6));
    add(next_eq4, dist_eq4, depth_eq4(eq4));
    // EQ5's proportion is always 0, but an existing lower MacroVector still counts.
    add(next_eq5, 0, 1);
    let mean = if n == 0 { 0.0 } else { total / f64::from(n) };
    let raw = (value - mean).clamp(0.0, 10.0);
    let tenths = ((raw + 1e-6) * 10.0 + 0.5).floor();
    Ok(Score::from_tenths(tenths as u32))
}
