//! How the doc parser scales with the size of a page: pages of 1 k, 10 k and 100 k rows in three
//! renderings, and one description cell of 10 KB to 10 MB made of repeated section markers. The time per
//! row (or per byte) should stay flat as the input grows; `Throughput` makes criterion print it.
//!
//! `cargo bench -p lark-schema --bench parser_scaling` (a filter such as `-- pages/flat` picks a group).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lark_schema::docs::{self, Options};

const ROWS: [usize; 3] = [1_000, 10_000, 100_000];
const CELL_BYTES: [usize; 4] = [10_000, 100_000, 1_000_000, 10_000_000];

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

/// A doc source page with the same rows as `markdown_page`.
fn source_page(rows: usize) -> String {
    let row = |level: usize, name: &str, doc_type: &str| {
        format!("<md-dt-tr level=\"{level}\">\n<md-dt-td>{name}</md-dt-td>\n<md-dt-td>{doc_type}</md-dt-td>\n<md-dt-td>x</md-dt-td>\n</md-dt-tr>\n")
    };
    let mut page = String::from("# T\n\n<md-dt-table>\n<md-dt-tbody>\n");
    for i in 0..rows / 3 {
        page.push_str(&row(0, &format!("object_{i}"), "object"));
        page.push_str(&row(1, "id", "string"));
        page.push_str(&row(1, "name", "string"));
    }
    page.push_str("</md-dt-tbody>\n</md-dt-table>\n");
    page
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

criterion_group!(benches, pages, cells);
criterion_main!(benches);
