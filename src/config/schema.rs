//! JSON Schema (draft-07) of `.portcullis.yaml`, for editors (yaml-language-server) and
//! `schemas/portcullis.schema.json`.

use serde_json::{Map, Value, json};

/// The schema, with `rule_ids` as the properties of `rules` (and the ids `ignore` accepts).
pub fn json_schema(rule_ids: &[&str]) -> Value {
    let mut ids: Vec<String> = rule_ids
        .iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .collect();
    ids.sort();
    ids.dedup();

    let mut rule_props = Map::new();
    for id in &ids {
        rule_props.insert(id.clone(), json!({ "$ref": "#/definitions/ruleSetting" }));
    }
    let mut ignore_ids: Vec<Value> = ids.iter().map(|s| Value::String(s.clone())).collect();
    ignore_ids.push(Value::String("*".to_string()));

    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Portcullis configuration (.portcullis.yaml)",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "version": {
                "description": "Config format version; only 1 exists.",
                "enum": [1]
            },
            "fail-on": {
                "description": "Lowest severity that makes the scan fail (exit code 1); `none` never fails.",
                "enum": ["error", "warning", "note", "none"],
                "default": "error"
            },
            "rules": {
                "description": "Per-rule settings: turn a rule off or on, or change its severity.",
                "type": "object",
                "additionalProperties": false,
                "properties": rule_props
            },
            "exclude": {
                "description": "Gitignore-style globs of repository-relative paths not to scan (`vendor/**`; a plain name such as `vendor` matches at any depth).",
                "$ref": "#/definitions/globs"
            },
            "ignore": {
                "description": "Suppressions kept outside the Dockerfiles; each needs a reason and may expire.",
                "type": "array",
                "items": { "$ref": "#/definitions/ignore" }
            },
            "build-args": {
                "description": "Values for ARGs used in FROM lines (like `docker build --build-arg`).",
                "type": "object",
                "additionalProperties": { "type": ["string", "number", "boolean"] }
            },
            "target": {
                "description": "Stage that is built (`docker build --target`); default: the last stage.",
                "type": "string",
                "minLength": 1
            },
            "build-only-downgrade": {
                "description": "Report security findings on stages the final image does not depend on one level lower (never secrets).",
                "type": "boolean",
                "default": true
            },
            "images": {
                "description": "Base-image policy. The embedded default allows mcr.microsoft.com and Docker Official Images only; entries here are added to it (or replace it with `replace-defaults: true`).",
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "allow": { "type": "array", "items": { "$ref": "#/definitions/imagePattern" } },
                    "deny": { "type": "array", "items": { "$ref": "#/definitions/imagePattern" } },
                    "replace-defaults": { "type": "boolean", "default": false },
                    "require-tag": { "type": "boolean", "default": true },
                    "require-digest": { "type": "boolean", "default": false },
                    "allow-latest": { "type": "boolean", "default": false },
                    "require-signature": { "type": "boolean", "default": false },
                    "scope": { "enum": ["all", "final"], "default": "all" },
                    "windows-hosts": {
                        "anyOf": [
                            { "$ref": "#/definitions/windowsHost" },
                            { "type": "array", "items": { "$ref": "#/definitions/windowsHost" }, "minItems": 1 }
                        ]
                    }
                }
            },
            "advisories": {
                "description": "Dependency scanning: where advisory data comes from, how old the offline database may be, and accepted advisories.",
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "source": {
                        "description": "offline (default: the database `portcullis db update` downloaded), auto (that, else the OSV API), online (the OSV API), none, or the path of an OSV JSON directory, an osv.dev all.zip or a RustSec advisory-db checkout (relative to this file).",
                        "type": "string",
                        "minLength": 1
                    },
                    "max-db-age-days": {
                        "description": "Warn when the offline database is older than this many days.",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 3650,
                        "default": 7
                    },
                    "ignore": {
                        "description": "Accepted advisories; each needs a reason and may expire.",
                        "type": "array",
                        "items": { "$ref": "#/definitions/advisoryIgnore" }
                    }
                }
            }
        },
        "definitions": {
            "ruleSetting": {
                "description": "off | on | note | warning | error",
                "anyOf": [
                    { "enum": ["off", "on", "note", "warning", "error"] },
                    { "type": "boolean" }
                ]
            },
            "globs": {
                "anyOf": [
                    { "$ref": "#/definitions/glob" },
                    { "type": "array", "items": { "$ref": "#/definitions/glob" }, "minItems": 1 }
                ]
            },
            "glob": { "type": "string", "minLength": 1, "pattern": "^[^\\\\]*$" },
            "windowsHost": { "enum": ["ltsc2016", "ltsc2019", "ltsc2022", "ltsc2025"] },
            "imagePattern": {
                "type": "object",
                "additionalProperties": false,
                "required": ["registry"],
                "properties": {
                    "registry": { "description": "Registry host glob (e.g. `*.azurecr.io`).", "type": "string", "minLength": 1 },
                    "repository": { "description": "Repository path glob (e.g. `library/*`, `team/**`).", "type": "string" },
                    "tag": { "description": "Tag glob (e.g. `ltsc20*`).", "type": "string" },
                    "reason": { "description": "Why the entry exists.", "type": "string" }
                }
            },
            "advisoryId": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._:]+-[A-Za-z0-9._:-]+$"
            },
            "advisoryIgnore": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "reason"],
                "properties": {
                    "id": {
                        "description": "An advisory id or alias (GHSA-…, CVE-…, RUSTSEC-…, PYSEC-…, MAL-…), or a list of them.",
                        "anyOf": [
                            { "$ref": "#/definitions/advisoryId" },
                            { "type": "array", "items": { "$ref": "#/definitions/advisoryId" }, "minItems": 1 }
                        ]
                    },
                    "package": {
                        "description": "Limit the ignore to this package (name as in the manifest, case-insensitive); default: every package.",
                        "type": "string",
                        "minLength": 1
                    },
                    "reason": {
                        "description": "Why the vulnerability is acceptable (required).",
                        "type": "string",
                        "minLength": 1,
                        "pattern": "\\S"
                    },
                    "until": {
                        "description": "Last day (inclusive) the ignore applies, YYYY-MM-DD.",
                        "type": "string",
                        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
                    }
                }
            },
            "ruleId": { "enum": ignore_ids },
            "ignore": {
                "type": "object",
                "additionalProperties": false,
                "required": ["reason"],
                "anyOf": [ { "required": ["rule"] }, { "required": ["rules"] } ],
                "properties": {
                    "rule": {
                        "description": "A rule id, or \"*\" for every rule.",
                        "$ref": "#/definitions/ruleId"
                    },
                    "rules": {
                        "description": "Rule ids (\"*\" = every rule).",
                        "anyOf": [
                            { "$ref": "#/definitions/ruleId" },
                            { "type": "array", "items": { "$ref": "#/definitions/ruleId" }, "minItems": 1 }
                        ]
                    },
                    "paths": {
                        "description": "Gitignore-style globs the ignore is limited to; default: every file.",
                        "$ref": "#/definitions/globs"
                    },
                    "reason": {
                        "description": "Why the finding is acceptable (required).",
                        "type": "string",
                        "minLength": 1,
                        "pattern": "\\S"
                    },
                    "until": {
                        "description": "Last day (inclusive) the ignore applies, YYYY-MM-DD.",
                        "type": "string",
                        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
                    }
                }
            }
        }
    })
}
