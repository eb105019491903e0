//! The schema diff engine on hand-made schemas: an excerpt of the layout of seed 003, edited one
//! change at a time.

use lark_schema::diff::{
    diff_schemas, exit_code, render, Body, Change, ChangeKind, Compat, EnumValue, Location,
};
use serde_json::{json, Value};

/// An excerpt of the schema of seed 003: a named type used twice, an enum, a bit set, rules, a
/// field permission, and event metadata.
fn base() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "申请发布应用",
        "description": "通过订阅该事件，可接收应用提交发布申请事件",
        "x-lark-page": {"source": "003_0a4df386a132e874.txt", "rendering": "source"},
        "x-lark-event": {
            "event_type": "application.application.app_version.publish_apply_v6",
            "app_types": ["custom"],
            "permissions": [{"scope": "application:application.app_version:readonly", "label": "获取应用版本信息"}],
            "field_permissions": [{"label": "获取用户 user ID"}],
            "push_modes": ["Webhook"]
        },
        "type": "object",
        "properties": {
            "header": {"$ref": "#/$defs/event_header", "description": "事件头", "x-lark-type": "event_header", "x-lark-line": 59},
            "event": {
                "type": "object",
                "x-lark-type": "-",
                "x-lark-line": 150,
                "properties": {
                    "operator_id": {"$ref": "#/$defs/user_id", "description": "用户 ID", "x-lark-type": "user_id", "x-lark-line": 163},
                    "online_version": {"$ref": "#/$defs/application.app_version_event", "description": "当前线上版本信息", "x-lark-type": "application.app_version_event", "x-lark-line": 218},
                    "under_audit_version": {"$ref": "#/$defs/application.app_version_event", "description": "当前在审核的版本信息", "x-lark-type": "application.app_version_event", "x-lark-line": 1541},
                    "app_status": {
                        "type": "integer",
                        "enum": [0, 1],
                        "x-lark-enum": [{"value": 0, "label": "停用状态"}, {"value": 1, "label": "启用状态"}],
                        "description": "应用状态",
                        "x-lark-type": "int",
                        "x-lark-line": 2864
                    }
                }
            }
        },
        "$defs": {
            "event_header": {
                "type": "object", "x-lark-type": "event_header", "x-lark-line": 72,
                "properties": {
                    "create_time": {"type": "string", "description": "事件创建时间戳（单位：毫秒）", "x-lark-format": "unix-ms", "x-lark-type": "string", "x-lark-line": 98}
                }
            },
            "user_id": {
                "type": "object", "x-lark-type": "user_id", "x-lark-line": 176,
                "properties": {
                    "user_id": {"type": "string", "description": "用户的 user id", "x-lark-permission": [{"label": "获取用户 user ID"}], "x-lark-type": "string", "x-lark-line": 189}
                }
            },
            "app_scope": {
                "type": "object", "x-lark-type": "app_scope", "x-lark-line": 320,
                "properties": {
                    "scope": {"type": "string", "description": "应用权限", "x-lark-type": "string", "x-lark-line": 320},
                    "level": {
                        "type": "integer", "enum": [1, 2, 3, 0],
                        "x-lark-enum": [{"value": 1, "label": "普通权限"}, {"value": 2, "label": "高级权限"}, {"value": 3, "label": "超敏感权限"}, {"value": 0, "label": "未知等级"}],
                        "description": "权限等级描述", "x-lark-type": "int", "x-lark-line": 360
                    }
                }
            },
            "app_i18n_info": {
                "type": "object", "x-lark-type": "app_i18n_info", "x-lark-line": 434,
                "properties": {
                    "i18n_key": {
                        "type": "string", "enum": ["zh_cn", "en_us", "ja_jp"],
                        "x-lark-enum": [{"value": "zh_cn", "label": "中文"}, {"value": "en_us", "label": "英文"}, {"value": "ja_jp", "label": "日文"}],
                        "description": "国际化语言的 key", "x-lark-type": "string", "x-lark-line": 440
                    }
                }
            },
            "gadget": {
                "type": "object", "x-lark-type": "gadget", "x-lark-line": 618,
                "properties": {
                    "enable_pc_mode": {
                        "type": "integer", "x-lark-bitflags": true,
                        "x-lark-enum": [{"value": 1, "label": "sidebar 模式"}, {"value": 2, "label": "pc 模式"}, {"value": 4, "label": "主导航模式"}],
                        "description": "pc 支持的小程序模式，bit 位表示", "x-lark-type": "int", "x-lark-line": 618
                    }
                }
            },
            "application.app_version_event": {
                "type": "object", "x-lark-type": "application.app_version_event", "x-lark-line": 231,
                "properties": {
                    "version": {"type": "string", "description": "开发者填入的应用版本 ID", "minLength": 1, "x-lark-type": "string", "x-lark-line": 244},
                    "scopes": {"type": "array", "items": {"$ref": "#/$defs/app_scope"}, "description": "应用权限列表", "x-lark-type": "app_scope[]", "x-lark-line": 307},
                    "i18n": {"type": "array", "items": {"$ref": "#/$defs/app_i18n_info"}, "description": "应用的国际化信息列表", "minItems": 1, "x-lark-type": "app_i18n_info[]", "x-lark-line": 421},
                    "common_categories": {"type": "array", "items": {"type": "string"}, "description": "应用分类的国际化描述", "maxItems": 3, "x-lark-type": "string[]", "x-lark-line": 520},
                    "gadget": {"$ref": "#/$defs/gadget", "description": "小程序能力", "x-lark-type": "gadget", "x-lark-line": 605}
                }
            }
        }
    })
}

/// `base()` with `edit` applied.
fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut schema = base();
    edit(&mut schema);
    schema
}

fn def_field<'a>(schema: &'a mut Value, def: &str, field: &str) -> &'a mut Value {
    &mut schema["$defs"][def]["properties"][field]
}

fn field_change(paths: &[&str], owner: Option<&str>, kind: ChangeKind) -> Change {
    Change {
        location: Location::Field {
            paths: paths.iter().map(|p| p.to_string()).collect(),
            owner: owner.map(str::to_owned),
        },
        kind,
    }
}

fn value(value: &str, label: &str) -> EnumValue {
    EnumValue {
        value: value.to_owned(),
        label: Some(label.to_owned()),
    }
}

const SCOPES: [&str; 2] = [
    "event.online_version.scopes[].token_types",
    "event.under_audit_version.scopes[].token_types",
];

#[test]
fn identical_schemas_have_no_change() {
    let changes = diff_schemas(&base(), &base());
    assert_eq!(changes, Vec::new());
    assert_eq!(exit_code(&changes), 0);
}

#[test]
fn lines_and_page_file_are_not_changes() {
    let new = edited(|s| {
        s["x-lark-page"] = json!({"source": "002_c98445f5ac19ce98.txt", "rendering": "flat"});
        def_field(s, "app_scope", "level")["x-lark-line"] = json!(999);
    });
    assert_eq!(diff_schemas(&base(), &new), Vec::new());
}

#[test]
fn a_field_added_in_a_named_type_is_reported_once_with_every_use() {
    let new = edited(|s| {
        *def_field(s, "app_scope", "token_types") = json!({
            "type": "array",
            "items": {"type": "string", "enum": ["tenant", "user"]},
            "x-lark-type": "string[]",
            "x-lark-line": 381
        });
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &SCOPES,
            Some("app_scope"),
            ChangeKind::FieldAdded {
                ty: "string[]".into()
            }
        )]
    );
    assert_eq!(changes[0].compat(), Compat::Compatible);
    assert_eq!(exit_code(&changes), 3);
}

#[test]
fn a_field_removed_is_breaking() {
    let new = edited(|s| {
        s["$defs"]["application.app_version_event"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("version");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &[
                "event.online_version.version",
                "event.under_audit_version.version"
            ],
            Some("application.app_version_event"),
            ChangeKind::FieldRemoved {
                ty: "string".into()
            }
        )]
    );
    assert_eq!(exit_code(&changes), 4);
}

#[test]
fn enum_values_added_are_compatible_and_removed_are_breaking() {
    let new = edited(|s| {
        let level = def_field(s, "app_scope", "level");
        level["enum"] = json!([1, 2, 3, 4]);
        level["x-lark-enum"] = json!([
            {"value": 1, "label": "普通权限"}, {"value": 2, "label": "高级权限"},
            {"value": 3, "label": "超敏感权限"}, {"value": 4, "label": "新等级"}
        ]);
    });
    let changes = diff_schemas(&base(), &new);
    let paths = [
        "event.online_version.scopes[].level",
        "event.under_audit_version.scopes[].level",
    ];
    assert_eq!(
        changes,
        vec![
            field_change(
                &paths,
                Some("app_scope"),
                ChangeKind::EnumValuesRemoved(vec![value("0", "未知等级")])
            ),
            field_change(
                &paths,
                Some("app_scope"),
                ChangeKind::EnumValuesAdded(vec![value("4", "新等级")])
            ),
        ]
    );
    assert_eq!(changes[0].compat(), Compat::Breaking);
    assert_eq!(changes[1].compat(), Compat::Compatible);
}

#[test]
fn an_enum_label_change_is_reported_but_width_of_punctuation_is_not() {
    let new = edited(|s| {
        def_field(s, "app_i18n_info", "i18n_key")["x-lark-enum"][0]["label"] = json!("简体中文");
        s["$defs"]["event_header"]["properties"]["create_time"]["description"] =
            json!("事件创建时间戳(单位:毫秒)");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &[
                "event.online_version.i18n[].i18n_key",
                "event.under_audit_version.i18n[].i18n_key"
            ],
            Some("app_i18n_info"),
            ChangeKind::EnumLabelChanged {
                value: "zh_cn".into(),
                old: Some("中文".into()),
                new: Some("简体中文".into()),
                names_variant: false,
            }
        )]
    );
}

#[test]
fn a_description_change_shows_old_and_new_text() {
    let new = edited(|s| {
        s["$defs"]["event_header"]["properties"]["create_time"]["description"] =
            json!("事件创建时间戳（单位：秒）");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &["header.create_time"],
            Some("event_header"),
            ChangeKind::TextChanged {
                old: Some("事件创建时间戳（单位：毫秒）".into()),
                new: Some("事件创建时间戳（单位：秒）".into())
            }
        )]
    );
    assert_eq!(exit_code(&changes), 3);
}

#[test]
fn a_type_change_is_breaking_and_equivalent_spellings_are_not_changes() {
    let new = edited(|s| {
        let status = &mut s["properties"]["event"]["properties"]["app_status"];
        status["x-lark-type"] = json!("int32");
        let version = def_field(s, "application.app_version_event", "version");
        version["type"] = json!("integer");
        version["x-lark-type"] = json!("int64");
        def_field(s, "application.app_version_event", "scopes")["x-lark-type"] =
            json!("list<app_scope>");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &[
                "event.online_version.version",
                "event.under_audit_version.version"
            ],
            Some("application.app_version_event"),
            ChangeKind::TypeChanged {
                old: "string".into(),
                new: "int64".into()
            }
        )]
    );
    assert_eq!(exit_code(&changes), 4);
}

#[test]
fn a_wider_integer_is_a_compatible_documentation_change() {
    let new = edited(|s| {
        s["properties"]["event"]["properties"]["app_status"]["x-lark-type"] = json!("int64")
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &["event.app_status"],
            None,
            ChangeKind::DocTypeChanged {
                old: "int".into(),
                new: "int64".into()
            }
        )]
    );
    assert_eq!(exit_code(&changes), 3);
}

#[test]
fn a_time_typed_as_string_then_integer_keeps_its_rust_type() {
    let new = edited(|s| {
        let time = &mut s["$defs"]["event_header"]["properties"]["create_time"];
        time["type"] = json!("integer");
        time["x-lark-type"] = json!("int64");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(changes.len(), 1);
    assert!(
        matches!(changes[0].kind, ChangeKind::DocTypeChanged { .. }),
        "{changes:?}"
    );
}

#[test]
fn a_label_that_names_an_integer_variant_is_breaking() {
    let new = edited(|s| {
        s["properties"]["event"]["properties"]["app_status"]["x-lark-enum"][0]["label"] =
            json!("已停用")
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &["event.app_status"],
            None,
            ChangeKind::EnumLabelChanged {
                value: "0".into(),
                old: Some("停用状态".into()),
                new: Some("已停用".into()),
                names_variant: true,
            }
        )]
    );
    assert_eq!(exit_code(&changes), 4);
}

#[test]
fn a_named_type_renamed_is_breaking_and_its_fields_are_still_compared() {
    let new = edited(|s| {
        let defs = s["$defs"].as_object_mut().unwrap();
        let mut renamed = defs.remove("user_id").unwrap();
        renamed["x-lark-type"] = json!("user_ids");
        renamed["properties"]["open_id"] =
            json!({"type": "string", "x-lark-type": "string", "x-lark-line": 200});
        defs.insert("user_ids".into(), renamed);
        let operator = &mut s["properties"]["event"]["properties"]["operator_id"];
        operator["$ref"] = json!("#/$defs/user_ids");
        operator["x-lark-type"] = json!("user_ids");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![
            field_change(
                &["event.operator_id"],
                None,
                ChangeKind::TypeChanged {
                    old: "user_id".into(),
                    new: "user_ids".into()
                }
            ),
            field_change(
                &["event.operator_id.open_id"],
                Some("user_ids"),
                ChangeKind::FieldAdded {
                    ty: "string".into()
                }
            ),
        ]
    );
}

#[test]
fn bit_flags_changes() {
    let flags_added = edited(|s| {
        let mode = def_field(s, "gadget", "enable_pc_mode");
        mode["x-lark-enum"]
            .as_array_mut()
            .unwrap()
            .push(json!({"value": 8, "label": "新模式"}));
    });
    let changes = diff_schemas(&base(), &flags_added);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].kind,
        ChangeKind::FlagsAdded(vec![value("8", "新模式")])
    );
    assert_eq!(changes[0].compat(), Compat::Compatible);

    let flags_removed = edited(|s| {
        def_field(s, "gadget", "enable_pc_mode")["x-lark-enum"]
            .as_array_mut()
            .unwrap()
            .pop();
    });
    let changes = diff_schemas(&base(), &flags_removed);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].kind,
        ChangeKind::FlagsRemoved(vec![value("4", "主导航模式")])
    );
    assert_eq!(changes[0].compat(), Compat::Breaking);

    let no_longer = edited(|s| {
        let mode = def_field(s, "gadget", "enable_pc_mode");
        mode.as_object_mut().unwrap().remove("x-lark-bitflags");
        mode["enum"] = json!([1, 2, 4]);
    });
    let changes = diff_schemas(&base(), &no_longer);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, ChangeKind::NoLongerBitflags);
    assert_eq!(changes[0].compat(), Compat::Breaking);
}

#[test]
fn validation_rules_changes_are_compatible() {
    let new = edited(|s| {
        let categories = def_field(s, "application.app_version_event", "common_categories");
        categories["maxItems"] = json!(5);
        let version = def_field(s, "application.app_version_event", "version");
        version.as_object_mut().unwrap().remove("minLength");
        version["maxLength"] = json!(64);
    });
    let changes = diff_schemas(&base(), &new);
    let kinds: Vec<(String, Option<Value>, Option<Value>)> = changes
        .iter()
        .map(|c| match &c.kind {
            ChangeKind::RuleChanged { rule, old, new } => (rule.clone(), old.clone(), new.clone()),
            other => panic!("unexpected change {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("minLength".into(), Some(json!(1)), None),
            ("maxLength".into(), None, Some(json!(64))),
            ("maxItems".into(), Some(json!(3)), Some(json!(5))),
        ]
    );
    assert!(changes.iter().all(|c| c.compat() == Compat::Compatible));
}

#[test]
fn field_permission_and_event_metadata_changes() {
    let new = edited(|s| {
        s["$defs"]["user_id"]["properties"]["user_id"]["x-lark-permission"] = json!([{"scope": "contact:user.employee_id:readonly", "label": "获取用户 user ID"}, {"label": "获取用户邮箱"}]);
        s["x-lark-event"]["app_types"] = json!(["custom", "store"]);
        s["x-lark-event"]["permissions"] = json!([]);
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![
            Change {
                location: Location::Event("app_types"),
                kind: ChangeKind::EntriesAdded(vec!["store".into()])
            },
            Change {
                location: Location::Event("permissions"),
                kind: ChangeKind::EntriesRemoved(vec![
                    "application:application.app_version:readonly (获取应用版本信息)".into()
                ])
            },
            field_change(
                &["event.operator_id.user_id"],
                Some("user_id"),
                ChangeKind::EntriesAdded(vec!["获取用户邮箱".into()])
            ),
        ]
    );
    assert_eq!(exit_code(&changes), 3);
}

#[test]
fn an_event_type_change_is_breaking() {
    let new = edited(|s| {
        s["x-lark-event"]["event_type"] =
            json!("application.application.app_version.publish_apply_v7")
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].location, Location::Event("event_type"));
    assert_eq!(exit_code(&changes), 4);
}

#[test]
fn a_time_format_added_is_breaking() {
    let new = edited(|s| {
        def_field(s, "application.app_version_event", "version")["x-lark-format"] = json!("unix-s")
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].compat(), Compat::Breaking);
}

#[test]
fn a_time_format_removed_is_breaking() {
    let new = edited(|s| {
        s["$defs"]["event_header"]["properties"]["create_time"]
            .as_object_mut()
            .unwrap()
            .remove("x-lark-format");
    });
    let changes = diff_schemas(&base(), &new);
    assert_eq!(
        changes,
        vec![field_change(
            &["header.create_time"],
            Some("event_header"),
            ChangeKind::FormatChanged {
                old: Some("unix-ms".into()),
                new: None
            }
        )]
    );
    assert_eq!(changes[0].compat(), Compat::Breaking);
}

#[test]
fn a_recursive_named_type_does_not_loop() {
    let make = |extra: bool| {
        let mut node = json!({
            "type": "object", "x-lark-type": "department", "x-lark-line": 1,
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/$defs/department"}, "x-lark-type": "department[]", "x-lark-line": 2}
            }
        });
        if extra {
            node["properties"]["name"] =
                json!({"type": "string", "x-lark-type": "string", "x-lark-line": 3});
        }
        json!({
            "type": "object",
            "properties": {"root": {"$ref": "#/$defs/department", "x-lark-type": "department", "x-lark-line": 1}},
            "$defs": {"department": node}
        })
    };
    let changes = diff_schemas(&make(false), &make(true));
    assert_eq!(
        changes,
        vec![field_change(
            &["root.name"],
            Some("department"),
            ChangeKind::FieldAdded {
                ty: "string".into()
            }
        )]
    );
}

#[test]
fn breaking_changes_are_listed_first_in_the_text() {
    let new = edited(|s| {
        *def_field(s, "app_scope", "token_types") = json!({"type": "array", "items": {"type": "string"}, "x-lark-type": "string[]", "x-lark-line": 381});
        s["properties"]["event"]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("app_status");
    });
    let text = render("old.md", "new.md", &diff_schemas(&base(), &new));
    let expected = "\
## old.md → new.md: breaking, major release

Breaking changes (major release): 1

- `event.app_status`: field removed (was `int`)

Why breaking:

- field removed: the Rust field goes away; code that reads it stops building

Compatible changes (minor release): 1

- `event.online_version.scopes[].token_types` (in `app_scope`): field added, type `string[]`
  - also at `event.under_audit_version.scopes[].token_types`

Why compatible:

- field added: generated structs are `#[non_exhaustive]`: code outside the crate builds them from `Default` and assigns fields, and can write neither a struct literal nor an exhaustive pattern, so a new field breaks none of it; the field is an `Option`, and a value that landed in `extra` under its name now lands in the field
";
    assert_eq!(text, expected);
}

/// An excerpt of an API page's schema (calendar freebusy batch): the endpoint, a request body with
/// required fields, and a response whose named type `freebusy` the request uses too.
fn api_base() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "批量查询主日历日程忙闲信息",
        "x-lark-page": {"source": "batch.md", "rendering": "source"},
        "x-lark-api": {"method": "POST", "path": "/open-apis/calendar/v4/freebusy/batch"},
        "type": "object",
        "properties": {
            "code": {"type": "integer", "x-lark-type": "int", "x-lark-line": 380},
            "data": {
                "type": "object", "x-lark-type": "-", "x-lark-line": 390,
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/$defs/freebusy"}, "x-lark-type": "freebusy[]", "x-lark-line": 412}
                }
            }
        },
        "required": ["code"],
        "x-lark-request": {
            "type": "object",
            "properties": {
                "time_min": {"type": "string", "x-lark-type": "string", "x-lark-line": 191},
                "only_busy": {"type": "boolean", "x-lark-type": "boolean", "x-lark-line": 277},
                "window": {"$ref": "#/$defs/freebusy", "x-lark-type": "freebusy", "x-lark-line": 290}
            },
            "required": ["time_min"]
        },
        "$defs": {
            "freebusy": {
                "type": "object", "x-lark-type": "freebusy", "x-lark-line": 412,
                "properties": {
                    "start_time": {"type": "string", "x-lark-type": "string", "x-lark-line": 425},
                    "end_time": {"type": "string", "x-lark-type": "string", "x-lark-line": 438}
                },
                "required": ["start_time"]
            }
        }
    })
}

fn api_edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut schema = api_base();
    edit(&mut schema);
    schema
}

#[test]
fn an_api_page_against_itself_has_no_change() {
    assert_eq!(diff_schemas(&api_base(), &api_base()), Vec::new());
}

#[test]
fn request_fields_are_compared_under_request() {
    let new = api_edited(|s| {
        s["x-lark-request"]["properties"]["need_rsvp_status"] =
            json!({"type": "boolean", "x-lark-type": "boolean", "x-lark-line": 299});
        s["x-lark-request"]["properties"]["user_ids"] = json!({"type": "array", "items": {"type": "string"}, "x-lark-type": "string[]", "x-lark-line": 231});
        s["x-lark-request"]["required"] = json!(["time_min", "user_ids"]);
        s["x-lark-request"]["properties"]["only_busy"]["type"] = json!("string");
        s["x-lark-request"]["properties"]["only_busy"]["x-lark-type"] = json!("string");
    });
    let changes = diff_schemas(&api_base(), &new);
    assert_eq!(
        changes,
        vec![
            field_change(
                &["request.only_busy"],
                None,
                ChangeKind::TypeChanged {
                    old: "boolean".into(),
                    new: "string".into()
                }
            ),
            field_change(
                &["request.need_rsvp_status"],
                None,
                ChangeKind::FieldAdded {
                    ty: "boolean".into()
                }
            ),
            field_change(
                &["request.user_ids"],
                None,
                ChangeKind::RequiredFieldAdded {
                    ty: "string[]".into()
                }
            ),
        ]
    );
    assert_eq!(changes[1].compat(), Compat::Compatible);
    assert_eq!(changes[2].compat(), Compat::Breaking);
    assert_eq!(exit_code(&changes), 4);
}

#[test]
fn a_field_becoming_required_breaks_callers_of_a_request_only() {
    let new = api_edited(|s| {
        s["x-lark-request"]["required"] = json!(["time_min", "only_busy"]);
        s["required"] = json!(["code", "data"]);
    });
    let changes = diff_schemas(&api_base(), &new);
    assert_eq!(
        changes,
        vec![
            field_change(
                &["request.only_busy"],
                None,
                ChangeKind::BecameRequired {
                    body: Body::Request
                }
            ),
            field_change(
                &["data"],
                None,
                ChangeKind::BecameRequired {
                    body: Body::Received
                }
            ),
        ]
    );
    assert_eq!(changes[0].compat(), Compat::Breaking);
    assert_eq!(changes[1].compat(), Compat::Compatible);

    // The other way round is compatible on both sides: every generated field is an `Option`.
    let changes = diff_schemas(&new, &api_base());
    assert_eq!(
        changes.iter().map(|c| &c.kind).collect::<Vec<_>>(),
        [
            &ChangeKind::NoLongerRequired {
                body: Body::Request
            },
            &ChangeKind::NoLongerRequired {
                body: Body::Received
            }
        ]
    );
    assert_eq!(exit_code(&changes), 3);
}

#[test]
fn a_named_type_shared_by_request_and_response_is_classified_per_body() {
    let new = api_edited(|s| {
        s["$defs"]["freebusy"]["required"] = json!(["start_time", "end_time"]);
        s["$defs"]["freebusy"]["properties"]["rsvp_status"] =
            json!({"type": "string", "x-lark-type": "string", "x-lark-line": 451});
    });
    let changes = diff_schemas(&api_base(), &new);
    assert_eq!(
        changes,
        vec![
            field_change(
                &["request.window.end_time"],
                Some("freebusy"),
                ChangeKind::BecameRequired {
                    body: Body::Request
                }
            ),
            field_change(
                &["request.window.rsvp_status", "data.items[].rsvp_status"],
                Some("freebusy"),
                ChangeKind::FieldAdded {
                    ty: "string".into()
                }
            ),
            field_change(
                &["data.items[].end_time"],
                Some("freebusy"),
                ChangeKind::BecameRequired {
                    body: Body::Received
                }
            ),
        ]
    );
}

#[test]
fn a_request_body_only_one_version_has_lists_its_fields() {
    let old = api_edited(|s| {
        s.as_object_mut().unwrap().remove("x-lark-request");
    });
    let changes = diff_schemas(&old, &api_base());
    let kinds: Vec<(&str, Compat)> = changes
        .iter()
        .map(|c| match (&c.location, &c.kind) {
            (Location::Field { paths, .. }, ChangeKind::FieldAdded { .. }) => {
                (paths[0].as_str(), c.compat())
            }
            (Location::Field { paths, .. }, ChangeKind::RequiredFieldAdded { .. }) => {
                (paths[0].as_str(), c.compat())
            }
            other => panic!("unexpected change {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("request.time_min", Compat::Breaking),
            ("request.only_busy", Compat::Compatible),
            ("request.window", Compat::Compatible),
        ]
    );
}

#[test]
fn a_new_method_or_path_is_breaking() {
    let new = api_edited(|s| {
        s["x-lark-api"] = json!({"method": "GET", "path": "/open-apis/calendar/v5/freebusy/batch"});
    });
    let changes = diff_schemas(&api_base(), &new);
    assert_eq!(
        changes,
        vec![
            Change {
                location: Location::Api("method"),
                kind: ChangeKind::EndpointChanged {
                    old: "POST".into(),
                    new: "GET".into()
                }
            },
            Change {
                location: Location::Api("path"),
                kind: ChangeKind::EndpointChanged {
                    old: "/open-apis/calendar/v4/freebusy/batch".into(),
                    new: "/open-apis/calendar/v5/freebusy/batch".into()
                }
            },
        ]
    );
    assert_eq!(exit_code(&changes), 4);
    // A key only one version gives (a rendering without it) is not compared.
    let without_method = api_edited(|s| {
        s["x-lark-api"].as_object_mut().unwrap().remove("method");
    });
    assert_eq!(diff_schemas(&api_base(), &without_method), Vec::new());
}

#[test]
fn api_changes_in_the_text() {
    let new = api_edited(|s| {
        s["x-lark-api"]["method"] = json!("GET");
        s["x-lark-request"]["required"] = json!(["time_min", "only_busy"]);
        s["required"] = json!([]);
    });
    let text = render("old.md", "new.md", &diff_schemas(&api_base(), &new));
    let expected = "\
## old.md → new.md: breaking, major release

Breaking changes (major release): 2

- api `method`: changed: `POST` → `GET`
- `request.only_busy`: now required

Why breaking:

- endpoint changed: a call made to the old method and path no longer reaches the endpoint
- request field became required: the platform rejects a request without it: a call that leaves it out (the field is an `Option`, `None` by default) now fails

Compatible changes (minor release): 1

- `code`: no longer required

Why compatible:

- received field no longer required: every generated field is an `Option` already, so the Rust type does not change and code already handles its absence (`None`); it may now be `None` more often
";
    assert_eq!(text, expected);
}
