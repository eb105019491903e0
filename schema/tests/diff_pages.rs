//! `cargo xtask diff` on real pages: seeds 002 → 003, the version pairs of `../shared/corpus/formats/`
//! (listed in its README), and the same page in two renderings, which must differ only where the page
//! does. In CI (`CI=true`) a missing corpus fails; elsewhere its tests say they skipped.

mod common;

use std::path::{Path, PathBuf};

use common::{corpus_dir, seed_path as seed};
use lark_schema::diff::cli::load;
use lark_schema::diff::{
    diff_schemas, exit_code, render, verdict, Change, ChangeKind, Compat, Location,
};
use serde_json::Value;

fn schema_of(path: &Path) -> Value {
    load(path).unwrap_or_else(|e| panic!("{e}")).schema
}

fn diff_files(old: &Path, new: &Path) -> Vec<Change> {
    diff_schemas(&schema_of(old), &schema_of(new))
}

/// The field paths of the changes of one kind.
fn paths_where(changes: &[Change], matches: impl Fn(&ChangeKind) -> bool) -> Vec<String> {
    changes
        .iter()
        .filter(|c| matches(&c.kind))
        .flat_map(|c| match &c.location {
            Location::Field { paths, .. } => paths.clone(),
            _ => Vec::new(),
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn seeds_002_to_003_add_token_types_and_i18n_key_values_both_compatible() {
    let (old, new) = (seed("002"), seed("003"));
    let changes = diff_files(&old, &new);

    let added = paths_where(&changes, |k| matches!(k, ChangeKind::FieldAdded { .. }));
    assert_eq!(
        added,
        [
            "event.online_version.scopes[].token_types",
            "event.under_audit_version.scopes[].token_types"
        ]
    );
    let i18n_key = changes
        .iter()
        .find(|c| matches!(c.kind, ChangeKind::EnumValuesAdded(_)))
        .expect("i18n_key values added");
    let ChangeKind::EnumValuesAdded(values) = &i18n_key.kind else {
        unreachable!()
    };
    let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    assert!(
        values.contains(&"zh_hk") && values.contains(&"ko_kr"),
        "{values:?}"
    );
    assert_eq!(
        i18n_key.location,
        Location::Field {
            paths: vec![
                "event.online_version.i18n[].i18n_key".into(),
                "event.under_audit_version.i18n[].i18n_key".into()
            ],
            owner: Some("app_i18n_info".into())
        }
    );
    assert_eq!(verdict(&changes), Some(Compat::Compatible));
    assert_eq!(exit_code(&changes), 3);
    insta::assert_snapshot!(
        "seeds_002_to_003",
        render(&file_name(&old), &file_name(&new), &changes)
    );
}

#[test]
fn a_page_against_itself_has_no_change() {
    let page = seed("003");
    assert_eq!(diff_files(&page, &page), Vec::new());
}

#[test]
fn im_message_receive_2024_to_2026_adds_mentioned_type() {
    let Some(corpus) = corpus_dir("") else { return };
    let formats = corpus.join("formats");
    let changes = diff_files(
        &formats.join("a_riba_im_message_receive_v1__old2024.md"),
        &formats.join("a_riba_im_message_receive_v1__new2026.md"),
    );
    let added = paths_where(&changes, |k| matches!(k, ChangeKind::FieldAdded { .. }));
    assert_eq!(added, ["event.message.mentions[].mentioned_type"]);
    let relabelled: Vec<&ChangeKind> = changes
        .iter()
        .map(|c| &c.kind)
        .filter(|k| matches!(k, ChangeKind::EntriesRelabelled(_)))
        .collect();
    assert!(
        relabelled
            .iter()
            .any(|k| matches!(k, ChangeKind::EntriesRelabelled(entries)
                if entries.iter().any(|e| e.starts_with("im:message.group_at_msg:readonly: "))
            )),
        "the permission's new label is reported: {changes:#?}"
    );
    assert_eq!(verdict(&changes), Some(Compat::Compatible), "{changes:#?}");
}

#[test]
fn bitable_record_changed_old_to_new_changes_no_field() {
    let Some(corpus) = corpus_dir("") else { return };
    let formats = corpus.join("formats");
    let changes = diff_files(
        &formats.join("c_dochub_drive_file_bitable_record_changed_v1__old.md"),
        &formats.join("c_riba_drive_file_bitable_record_changed_v1__new.md"),
    );
    let field_changes: Vec<&Change> = changes
        .iter()
        .filter(|c| matches!(c.location, Location::Field { .. }))
        .collect();
    assert!(field_changes.is_empty(), "{field_changes:#?}");
    // The newer page accepts one more permission for the subscription.
    assert_eq!(
        changes,
        vec![Change {
            location: Location::Event("permissions"),
            kind: ChangeKind::EntriesAdded(vec!["base:record:read (检索特定记录)".into()]),
        }]
    );
}

/// An API page, two versions: the newer one adds the optional request field `need_rsvp_status` and,
/// in the response, `rsvp_status` to the named type `freebusy`; the endpoint and which request fields
/// are required (`time_min`, `time_max`, `user_ids`) stay.
#[test]
fn calendar_freebusy_adds_a_request_field_and_a_response_field_both_compatible() {
    let Some(corpus) = corpus_dir("") else { return };
    let formats = corpus.join("formats");
    let old_page = formats.join("c_dochub_api_calendar_v4_freebusy_batch__old.md");
    let new_page = formats.join("c_riba_api_calendar_v4_freebusy_batch__new.md");
    let (old, new) = (schema_of(&old_page), schema_of(&new_page));
    for schema in [&old, &new] {
        let api = &schema["x-lark-api"];
        assert_eq!(
            (&api["method"], &api["path"]),
            (
                &"POST".into(),
                &"/open-apis/calendar/v4/freebusy/batch".into()
            )
        );
        assert_eq!(
            schema["x-lark-request"]["required"],
            serde_json::json!(["time_min", "time_max", "user_ids"])
        );
    }
    let changes = diff_schemas(&old, &new);
    assert_eq!(
        changes,
        vec![
            Change {
                location: Location::Field {
                    paths: vec!["request.need_rsvp_status".into()],
                    owner: None,
                },
                kind: ChangeKind::FieldAdded {
                    ty: "boolean".into()
                },
            },
            Change {
                location: Location::Field {
                    paths: vec!["data.freebusy_lists[].freebusy_items[].rsvp_status".into()],
                    owner: Some("freebusy".into()),
                },
                kind: ChangeKind::FieldAdded {
                    ty: "string".into()
                },
            },
        ]
    );
    assert_eq!(verdict(&changes), Some(Compat::Compatible));
    assert_eq!(exit_code(&changes), 3);
    insta::assert_snapshot!(
        "calendar_freebusy_old_to_new",
        render(&file_name(&old_page), &file_name(&new_page), &changes)
    );
    let rendered = render(&file_name(&old_page), &file_name(&new_page), &changes);
    assert!(
        rendered.contains("- `request.need_rsvp_status`: field added, type `boolean`"),
        "{rendered}"
    );
    for page in [&old_page, &new_page] {
        let warnings = load(page).unwrap().warnings;
        assert!(
            warnings.is_empty(),
            "no warning on these pages: {warnings:?}"
        );
    }
}

#[test]
fn one_page_in_several_renderings_has_no_change() {
    let Some(corpus) = corpus_dir("") else { return };
    let formats = corpus.join("formats");
    let pairs = [
        (
            "c_riba_app_version_publish_apply_v6.md",
            "a_riba_app_version_publish_apply_v6.md",
        ),
        (
            "c_riba_app_version_publish_apply_v6.md",
            "c_dochub_app_version_publish_apply_v6.md",
        ),
        // Field permissions written `label(scope)` in the flat table.
        (
            "c_riba_app_version_publish_apply_v6.md",
            "b_dochub_app_version_publish_apply_v6.md",
        ),
        (
            "c_riba_approval_instance_status_event.md",
            "a_riba_approval_instance_status_event.md",
        ),
        // API pages: endpoint, request body with required fields, response body.
        (
            "c_riba_api_task_v2_task_create.md",
            "a_riba_api_task_v2_task_create.md",
        ),
        (
            "c_riba_api_hire_exam_create.md",
            "a_riba_api_hire_exam_create.md",
        ),
        (
            "c_riba_api_bitable_record_search.md",
            "a_riba_api_bitable_record_search.md",
        ),
    ];
    for (old, new) in pairs {
        let changes = diff_files(&formats.join(old), &formats.join(new));
        assert_eq!(changes, Vec::new(), "{old} → {new}");
    }
}

/// `events-source/` and `events-rendered/` hold the same 128 pages in two renderings; where both are the
/// same version (same `updateTime`), their schemas must have no change at all.
#[test]
fn the_same_page_version_in_source_and_markdown_has_no_change() {
    let Some(corpus) = corpus_dir("") else { return };
    let mut names: Vec<PathBuf> = std::fs::read_dir(corpus.join("events-source"))
        .expect("events-source/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    names.sort();
    let (mut same_version, mut newer, mut noisy) = (0, 0, Vec::new());
    for source in names {
        let rendered = corpus
            .join("events-rendered")
            .join(source.file_name().unwrap());
        let (old, new) = (schema_of(&source), schema_of(&rendered));
        let changes = diff_schemas(&old, &new);
        let time = |s: &Value| s["x-lark-page"]["update_time"].as_str().map(str::to_owned);
        if time(&old).is_some() && time(&old) == time(&new) {
            same_version += 1;
            if !changes.is_empty() {
                noisy.push(render(&file_name(&source), "(markdown)", &changes));
            }
        } else {
            newer += 1;
        }
    }
    println!(
        "{same_version} pages of the same version in both renderings, {newer} newer in markdown"
    );
    assert!(
        same_version >= 100,
        "only {same_version} pairs of the same version"
    );
    assert!(noisy.is_empty(), "{}", noisy.join("\n"));
}
