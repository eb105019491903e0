//! How the doc parser scales with the size of a page: pages of 1 k, 10 k and 100 k rows in three
//! renderings, and one description cell of 10 KB to 10 MB made of repeated section markers. The time per
//! row (or per byte) should stay flat as the input grows; `Throughput` makes criterion print it.
//!
//! The group `nested` times the schema writer on a page whose named type nests itself 8, 16 and 32 levels
//! deep (32 is `docs::MAX_DEPTH`, the deepest page the parser accepts) with other fields at each level:
//! each use is written once, so the time per level should stay flat too. The group `wide` writes the
//! schema of a flat page of 1 k, 10 k and 100 k fields and reads it back as the contract's types (one
//! object as wide as the page): the time per field should stay flat.
//!
//! `cargo bench -p lark-schema --bench parser_scaling` (a filter such as `-- pages/flat` picks a group).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lark_schema::contract::Schema;
use lark_schema::docs::{self, Options, MAX_DEPTH};
use lark_schema::writer::page_schema;

const ROWS: [usize; 3] = [1_000, 10_000, 100_000];
const CELL_BYTES: [usize; 4] = [10_000, 100_000, 1_000_000, 10_000_000];
const LEVELS: [usize; 3] = [MAX_DEPTH / 4, MAX_DEPTH / 2, MAX_DEPTH];

/// A flat page: no nesting marker, so the tree builder recovers the depth; every row is top-level.
fn flat_page(rows: usize) -> String {
    let mut page = String::from("| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n");
    for i in 0..rows {
        page.push_str(&format!("| field_{i} | string | 第 {i} 个字段 |\n"));
    }
    page
}

/// A markdown page with explicit levels: objects of two fields each.
fn markdown_page(rows: usize) -> String {
    let mut page =
        String::from("---\ntitle: T\n---\n| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n");
    for i in 0..rows / 3 {
        page.push_str(&format!("| `object_{i}` | `object` | 对象 |\n"));
        page.push_str("| &nbsp;&nbsp;└ `id` | `string` | 编号 |\n");
        page.push_str("| &nbsp;&nbsp;└ `name` | `string` | 名称 |\n");
    }
    page
}

fn source_row(level: usize, name: &str, doc_type: &str) -> String {
    format!("<md-dt-tr level=\"{level}\">\n<md-dt-td>{name}</md-dt-td>\n<md-dt-td>{doc_type}</md-dt-td>\n<md-dt-td>x</md-dt-td>\n</md-dt-tr>\n")
}

/// A doc source page of these rows.
fn source_table(rows: &str) -> String {
    format!("# T\n\n<md-dt-table>\n<md-dt-tbody>\n{rows}</md-dt-tbody>\n</md-dt-table>\n")
}

/// A doc source page with the same rows as `markdown_page`.
fn source_page(rows: usize) -> String {
    let mut table = String::new();
    for i in 0..rows / 3 {
        table.push_str(&source_row(0, &format!("object_{i}"), "object"));
        table.push_str(&source_row(1, "id", "string"));
        table.push_str(&source_row(1, "name", "string"));
    }
    source_table(&table)
}

/// A doc source page where type `node` nests itself `levels` deep, with a field of another name at each
/// level: every use below the first has other fields than the first, so it is written inline.
fn nested_page(levels: usize) -> String {
    let mut table = source_row(0, "root", "node");
    for level in 1..levels {
        table.push_str(&source_row(level, &format!("field_{level}"), "string"));
        table.push_str(&source_row(level, "child", "node"));
    }
    source_table(&table)
}

/// A one-row flat page whose description cell is `unit` repeated to about `bytes` bytes.
fn cell_page(unit: &str, bytes: usize) -> String {
    let cell = unit.repeat(bytes / unit.len());
    format!("| 名称 | 类型 | 描述 |\n| --- | --- | --- |\n| field | string | {cell} |\n")
}

fn parse(page: &str) {
    black_box(docs::parse_str("page.md", page, Options::default()).expect("the page parses"));
}

fn pages(c: &mut Criterion) {
    let mut group = c.benchmark_group("pages");
    group.sample_size(10);
    for (rendering, make) in [
        ("flat", flat_page as fn(usize) -> String),
        ("markdown", markdown_page),
        ("source", source_page),
    ] {
        for rows in ROWS {
            let page = make(rows);
            group.throughput(Throughput::Elements(rows as u64));
            group.bench_with_input(BenchmarkId::new(rendering, rows), &page, |b, page| {
                b.iter(|| parse(page))
            });
        }
    }
    group.finish();
}

fn cells(c: &mut Criterion) {
    let mut group = c.benchmark_group("cells");
    group.sample_size(10);
    for (kind, unit) in [("permission", "字段权限要求:"), ("enum", "可选值有:1:a")] {
        for bytes in CELL_BYTES {
            let page = cell_page(unit, bytes);
            group.throughput(Throughput::Bytes(bytes as u64));
            group.bench_with_input(BenchmarkId::new(kind, bytes), &page, |b, page| {
                b.iter(|| parse(page))
            });
        }
    }
    group.finish();
}

fn nested(c: &mut Criterion) {
    let mut group = c.benchmark_group("nested");
    for levels in LEVELS {
        let parsed = docs::parse_str("page.md", &nested_page(levels), Options::default())
            .expect("the page parses");
        group.throughput(Throughput::Elements(levels as u64));
        group.bench_with_input(
            BenchmarkId::new("levels", levels),
            &parsed.page,
            |b, page| b.iter(|| black_box(page_schema(page))),
        );
    }
    group.finish();
}

/// A flat page's schema written and read back as the contract's types: objects as wide as the page.
fn wide(c: &mut Criterion) {
    let mut group = c.benchmark_group("wide");
    group.sample_size(10);
    for rows in ROWS {
        let parsed = docs::parse_str("page.md", &flat_page(rows), Options::default())
            .expect("the page parses");
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_with_input(BenchmarkId::new("fields", rows), &parsed.page, |b, page| {
            b.iter(|| {
                let written = page_schema(page);
                black_box(serde_json::from_value::<Schema>(written).expect("reads back"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pages, cells, nested, wide);
criterion_main!(benches);
