//! `cargo xtask facts --pages DIR --source TEXT [--input FILE] [--out FILE]`: facts read from the
//! official documentation's Markdown pages (`https://pay.weixin.qq.com/doc/v3/<kind>/<id>.md`,
//! as `<kind>/pages/<id>.md` under DIR) into a facts file for `cargo xtask import`.
//!
//! Read from each page that names its 请求方式: every `string(N)` limit of its Path and Query
//! parameters and top-level Body fields (`body.out_trade_no`; a nested field's type is shared
//! with other operations, and one page's limit would split it off), and its 错误码 rows:
//! every 业务错误码, each 公共错误码 whose status and code spec/api.yaml's table lacks, and from a
//! page with one undivided table every row that is not api.yaml's. Pages of operations the
//! community description does not have are counted and left out. Where a merchant and a partner
//! page document the same operation with different limits, the larger one is kept (a value one
//! page allows is not refused), and both pages are named in `from`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::convert::community::Description;

#[derive(Debug, Default, Serialize)]
pub struct PageFacts {
    pub source: String,
    pub operations: BTreeMap<String, OperationOut>,
}

#[derive(Debug, Default, Serialize)]
pub struct OperationOut {
    pub from: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, LimitOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RowOut>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LimitOut {
    pub max_length: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowOut {
    pub status: u16,
    pub code: String,
    pub description: String,
    pub solution: String,
}

/// What one page documents.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// `POST /v3/pay/transactions/jsapi`.
    pub key: String,
    /// Place (`body.amount.currency`) → its `string(N)` limit.
    pub limits: BTreeMap<String, u32>,
    /// (table, row): table is `公共错误码`, `业务错误码` or `错误码` (undivided).
    pub errors: Vec<(String, RowOut)>,
}

pub fn run(pages: &Path, source: &str, input: &Path, out: &Path) -> ExitCode {
    match facts(pages, source, input) {
        Ok((facts, report)) => {
            let text = match serde_yaml::to_string(&facts) {
                Ok(text) => text,
                Err(error) => {
                    eprintln!("cannot write the facts: {error}");
                    return ExitCode::FAILURE;
                }
            };
            let header = format!(
                "# Facts read by `cargo xtask facts` from the official documentation's Markdown pages\n\
                 # ({source}). Do not edit: run the command again (see xtask/src/pages.rs for what is read).\n"
            );
            if let Err(error) = std::fs::write(out, format!("{header}{text}")) {
                eprintln!("cannot write {}: {error}", out.display());
                return ExitCode::FAILURE;
            }
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// The facts of every page under `dir` for an operation of the description at `input`.
pub fn facts(dir: &Path, source: &str, input: &Path) -> Result<(PageFacts, String), String> {
    let text = std::fs::read_to_string(input)
        .map_err(|error| format!("cannot read {}: {error}", input.display()))?;
    let description: Description =
        serde_json::from_str(&text).map_err(|error| format!("{}: {error}", input.display()))?;
    let known: std::collections::BTreeSet<String> = description
        .operations
        .iter()
        .map(crate::convert::plan::key)
        .collect();
    let common = common_rows()?;
    let mut facts = PageFacts {
        source: source.to_owned(),
        ..PageFacts::default()
    };
    let (mut read, mut unknown, mut dropped) = (0, 0, 0);
    for kind in ["merchant", "partner"] {
        let pages_dir = dir.join(kind).join("pages");
        let mut files: Vec<_> = std::fs::read_dir(&pages_dir)
            .map_err(|error| format!("cannot list {}: {error}", pages_dir.display()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
            let Some(page) = parse(&text) else { continue };
            read += 1;
            if !known.contains(&page.key) {
                unknown += 1;
                continue;
            }
            let id = file
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            let url = format!("https://pay.weixin.qq.com/doc/v3/{kind}/{id}");
            let op = facts.operations.entry(page.key.clone()).or_default();
            op.from = if op.from.is_empty() {
                url.clone()
            } else {
                format!("{}; {url}", op.from)
            };
            for (place, max) in page.limits {
                let limit = op
                    .fields
                    .entry(place)
                    .or_insert(LimitOut { max_length: max });
                limit.max_length = limit.max_length.max(max);
            }
            if op.errors.is_empty() {
                let rows: Vec<RowOut> = page
                    .errors
                    .into_iter()
                    .filter(|(table, row)| kept(table, row, &common))
                    .map(|(_, row)| row)
                    .collect();
                let (valid, invalid): (Vec<RowOut>, Vec<RowOut>) =
                    rows.into_iter().partition(is_valid_row);
                dropped += invalid.len();
                if !valid.is_empty() {
                    op.errors = valid;
                    op.errors_from = Some(format!("{url}.md"));
                }
            }
        }
    }
    let limits: usize = facts.operations.values().map(|op| op.fields.len()).sum();
    let tables = facts
        .operations
        .values()
        .filter(|op| !op.errors.is_empty())
        .count();
    let rows: usize = facts.operations.values().map(|op| op.errors.len()).sum();
    let report = format!(
        "{read} pages name their 请求方式; {unknown} of those are operations community-api.json lacks; \
         {} operations with facts: {limits} length limits, {tables} error tables ({rows} rows; \
         {dropped} rows dropped as not a valid error row)",
        facts.operations.len()
    );
    Ok((facts, report))
}

/// spec/api.yaml's 公共错误码, as (status, code, description with full-width commas as ASCII).
fn common_rows() -> Result<Vec<(u16, String, String)>, String> {
    let root = crate::generate::workspace_root();
    let sources = codegen::spec::read_sources(&root).map_err(|error| error.to_string())?;
    let spec = codegen::spec::parse(&sources).map_err(|error| error.to_string())?;
    Ok(spec
        .api
        .doc
        .errors
        .iter()
        .map(|row| (row.status, row.code.clone(), plain(&row.description)))
        .collect())
}

fn plain(text: &str) -> String {
    text.replace('，', ",").replace(' ', "")
}

fn kept(table: &str, row: &RowOut, common: &[(u16, String, String)]) -> bool {
    let same_code = |c: &(u16, String, String)| c.0 == row.status && c.1 == row.code;
    match table {
        "业务错误码" => true,
        "公共错误码" => !common.iter().any(same_code),
        _ => !common
            .iter()
            .any(|c| same_code(c) && c.2 == plain(&row.description)),
    }
}

/// What the generator accepts as an error row.
fn is_valid_row(row: &RowOut) -> bool {
    let mut chars = row.code.chars();
    (400..=599).contains(&row.status)
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !row.description.trim().is_empty()
}

/// One page, or `None` when it names no 请求方式 (a guide, a notification).
pub fn parse(text: &str) -> Option<Page> {
    let mut page = Page {
        key: request_line(text)?,
        ..Page::default()
    };
    let mut place: Option<&str> = None;
    let mut table: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(heading) = line.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim();
            place = match heading {
                "Path 参数" => Some("path"),
                "Query 参数" => Some("query"),
                "Body 参数" => Some("body"),
                "应答参数" => Some("response"),
                _ => None,
            };
            table = match heading {
                "错误码" => Some("错误码".to_owned()),
                "公共错误码" | "业务错误码" => Some(heading.to_owned()),
                _ => None,
            };
            continue;
        }
        let Some(cells) = row_cells(line) else {
            continue;
        };
        // Top-level request fields only: they belong to the operation's own request type.
        // A nested field's type (an Amount, a Payer) is shared with other operations, and a
        // limit one page gives it would split it from the others' under a new name.
        if let Some(place) = place
            && place != "response"
            && let [name, ty, required, ..] = cells.as_slice()
            && !name.contains('.')
            && matches!(*required, "true" | "false")
            && let Some(max) = string_limit(ty)
        {
            page.limits
                .insert(format!("{place}.{}", unescape(name)), max);
        }
        if let Some(table) = &table
            && let [status, code, description, solution] = cells.as_slice()
            && let Ok(status) = status.parse::<u16>()
        {
            page.errors.push((
                table.clone(),
                RowOut {
                    status,
                    code: unescape(code),
                    description: text_of(description),
                    solution: text_of(solution),
                },
            ));
        }
    }
    Some(page)
}

/// `请求方式：【POST】 `/v3/pay/transactions/jsapi`` as `POST /v3/pay/transactions/jsapi`.
fn request_line(text: &str) -> Option<String> {
    let rest = &text[text.find("请求方式：【")? + "请求方式：【".len()..];
    let (method, rest) = rest.split_once('】')?;
    let rest = &rest[rest.find('`')? + 1..];
    let (path, _) = rest.split_once('`')?;
    Some(format!("{} {}", method.trim(), path.trim()))
}

/// The cells of a table row; `None` for anything else and for the header's separator.
fn row_cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.strip_prefix('|')?.strip_suffix('|')?;
    let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
    (!cells
        .iter()
        .all(|cell| cell.chars().all(|c| c == '-' || c == ' ')))
    .then_some(cells)
}

/// `string(32)` and `string(1,32)` → 32 (the format limits text, not arrays of it).
fn string_limit(ty: &str) -> Option<u32> {
    let inner = ty.strip_prefix("string(")?.strip_suffix(')')?;
    let max = inner.rsplit(',').next()?.trim();
    max.parse().ok().filter(|max| *max > 0)
}

fn unescape(text: &str) -> String {
    text.replace("\\_", "_").replace("\\*", "*")
}

/// A cell as text: links as their text, line breaks as spaces, escapes undone.
fn text_of(cell: &str) -> String {
    let mut out = String::new();
    let mut rest = cell;
    while let Some(start) = rest.find('[') {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        match after.find("](").and_then(|middle| {
            let close = after[middle..].find(')')? + middle;
            Some((middle, close))
        }) {
            Some((middle, close)) => {
                out.push_str(&after[1..middle]);
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    unescape(&out.replace("<br>", " ")).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# JSAPI下单\n\n## 接口说明\n\n请求方式：【POST】 `/v3/pay/transactions/jsapi`\n\n\
## 请求参数\n### Header 参数\n| 参数名 | 类型 | 必填 | 描述 |\n| --- |  --- | --- | --- |\n\
| Authorization | string | true | 认证 |\n### Body 参数\n| 参数名 | 类型 | 必填 | 描述 |\n| --- |  --- | --- | --- |\n\
| appid | string(32) | true | 【公众账号ID】 |\n| out\\_trade\\_no | string(1,32) | true | 【商户订单号】 |\n\
| amount | object | true | 【订单金额】 |\n| amount.total | integer | true | 【总金额】 |\n\
| amount.currency | string(16) | false | 【货币类型】 |\n| tags | array[string(8)] | false | 标签 |\n\
## 应答参数\n\n200 OK\n\n| 参数名 | 类型 | 必填 | 描述 |\n| --- |  --- | --- | --- |\n\
| prepay\\_id | string(64) | true | 【预支付交易会话标识】 |\n## 错误码\n\n### 公共错误码\n\n\
| 状态码 | 错误码 | 描述 | 解决方案 |\n| --- | --- | --- | --- |\n\
| 400 | PARAM\\_ERROR | 参数错误 | 请根据错误提示正确传入参数 |\n\
| 404 | NOT\\_FOUND | 记录不存在 | 查询的单不存在 |\n\n### 业务错误码\n\n\
| 状态码 | 错误码 | 描述 | 解决方案 |\n| --- | --- | --- | --- |\n\
| 403 | OUT\\_TRADE\\_NO\\_USED | 商户订单号重复 | 请核实，参考[接口规则](https://pay.weixin.qq.com/doc/v3/merchant/1.md)<br>再试 |\n";

    #[test]
    fn a_page_gives_its_operation_limits_and_error_rows() {
        let page = parse(PAGE).expect("a page with a 请求方式");
        assert_eq!(page.key, "POST /v3/pay/transactions/jsapi");
        let limits: Vec<(&str, u32)> = page
            .limits
            .iter()
            .map(|(place, max)| (place.as_str(), *max))
            .collect();
        // Nested and answer fields are left out (their types are shared), and arrays.
        assert_eq!(limits, [("body.appid", 32), ("body.out_trade_no", 32)]);
        let rows: Vec<(&str, &str, &str)> = page
            .errors
            .iter()
            .map(|(table, row)| (table.as_str(), row.code.as_str(), row.solution.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("公共错误码", "PARAM_ERROR", "请根据错误提示正确传入参数"),
                ("公共错误码", "NOT_FOUND", "查询的单不存在"),
                (
                    "业务错误码",
                    "OUT_TRADE_NO_USED",
                    "请核实，参考接口规则 再试"
                ),
            ]
        );
    }

    #[test]
    fn rows_the_api_wide_table_has_are_left_out() {
        let common = vec![(400, "PARAM_ERROR".to_owned(), "参数错误".to_owned())];
        let row = |status, code: &str, description: &str| RowOut {
            status,
            code: code.to_owned(),
            description: description.to_owned(),
            solution: String::new(),
        };
        assert!(!kept(
            "公共错误码",
            &row(400, "PARAM_ERROR", "参数有误"),
            &common
        ));
        assert!(kept(
            "公共错误码",
            &row(404, "NOT_FOUND", "记录不存在"),
            &common
        ));
        assert!(kept(
            "业务错误码",
            &row(400, "PARAM_ERROR", "参数有误"),
            &common
        ));
        assert!(!kept(
            "错误码",
            &row(400, "PARAM_ERROR", "参数错误"),
            &common
        ));
        assert!(kept(
            "错误码",
            &row(400, "PARAM_ERROR", "金额有误"),
            &common
        ));
        assert!(!is_valid_row(&row(200, "OK", "x")));
        assert!(!is_valid_row(&row(400, "bad_code", "x")));
    }

    #[test]
    fn a_guide_without_a_request_line_is_no_operation() {
        assert_eq!(parse("# 开发指引\n\n| a | b | c | d |\n"), None);
    }
}
