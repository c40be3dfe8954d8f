//! The whole pipeline: the committed SDK is up to date, output is deterministic, spec edits show
//! up with no Rust edited, and the naming obstacle course matches its snapshot and compiles.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::output::Output;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn generate(root: &Path) -> Output {
    match codegen::generate_from(root) {
        Ok(generated) => generated.output,
        Err(error) => panic!("generation failed:\n{error}"),
    }
}

/// A fresh, empty directory under the target dir, unique to this test.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/codegen-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

#[test]
fn committed_sdk_is_up_to_date() {
    let root = workspace_root();
    let stale = generate(&root).check(&root).expect("read the tree");
    let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(
        stale.is_empty(),
        "generated files are stale; run `cargo xtask gen` and commit:\n{}",
        list.join("\n")
    );
}

#[test]
fn generating_twice_gives_identical_output() {
    let first = generate(&workspace_root());
    let second = generate(&workspace_root());
    assert_eq!(first, second);
    for (path, contents) in first.files() {
        assert!(
            !contents.contains("/work/") && !contents.contains("/home/"),
            "{path} holds an absolute path"
        );
    }
}

/// Each file names the spec files it came from: a service's files name `api.yaml` and that
/// service's file only, so adding a service rewrites no other service's files.
#[test]
fn every_generated_file_starts_with_the_header_naming_its_sources() {
    let services: Vec<String> = fs::read_dir(workspace_root().join("spec/services"))
        .expect("spec/services")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".yaml")?.to_owned())
        })
        .collect();
    assert!(services.len() >= 2, "{services:?}");
    let output = generate(&workspace_root());
    // A crate of services' own files name its services: those with a folder in it.
    let crate_services = |krate: &str| -> Vec<&String> {
        services
            .iter()
            .filter(|service| {
                let module = format!("generated-sdk/services/{krate}/src/{service}/mod.rs");
                output.get(&module).is_some()
            })
            .collect()
    };
    for (path, contents) in output.files() {
        let first_line = contents.lines().next().unwrap_or_default();
        assert!(
            first_line.contains(codegen::output::MARKER),
            "{path}: {first_line}"
        );
        if path.starts_with("spec/schema/") {
            // The spec format's schema follows the generator's model, not the spec.
            assert!(
                first_line.contains("from codegen/src/spec/model.rs, codegen/src/spec/format.rs."),
                "{path}: {first_line}"
            );
            continue;
        }
        assert!(first_line.contains("spec/api.yaml"), "{path}: {first_line}");
        let named = |service: &str| first_line.contains(&format!("spec/services/{service}.yaml"));
        let own = services.iter().find(|service| {
            path.contains(&format!("/src/{service}/")) || path.contains(&format!("docs/{service}/"))
        });
        let krate = path
            .strip_prefix("generated-sdk/services/")
            .and_then(|rest| rest.split('/').next());
        if let (None, Some(krate)) = (own, krate) {
            let members = crate_services(krate);
            assert!(!members.is_empty(), "{path}: a crate of no services");
            for service in &services {
                assert_eq!(
                    named(service),
                    members.contains(&service),
                    "{path} names its crate's services: {first_line}"
                );
            }
            continue;
        }
        match own {
            Some(own) => {
                for service in &services {
                    assert_eq!(named(service), service == own, "{path}: {first_line}");
                }
            }
            None => assert!(
                services.iter().all(|service| named(service)),
                "a crate-wide file names every spec file: {path}: {first_line}"
            ),
        }
    }
}

#[test]
fn a_field_and_an_endpoint_added_to_the_yaml_show_up_with_no_rust_edited() {
    let root = scratch_dir("spec-edit");
    copy_dir(&workspace_root().join("spec"), &root.join("spec"));
    let service = root.join("spec/services/platsolution.yaml");
    let yaml = fs::read_to_string(&service).expect("read spec");
    let new_field = "      bank_branch_name:\n        type: string\n        max_length: 128\n        description: 【开户支行名称】 新增字段\n";
    let yaml = yaml.replacen(
        "      bank_account_name:\n",
        &format!("{new_field}      bank_account_name:\n"),
        1,
    );
    let new_operation = r#"
  query_recharge_by_id:
    title: 按微信支付充值单号查询
    description: 新增接口
    merchants: [平台商户]
    updated: "2026.11.23"
    method: GET
    path: /v3/platsolution/ecommerce/recharges/id/{recharge_id}
    retry_safe: true
    path_params:
      recharge_id:
        type: string
        max_length: 27
        required: true
        description: 【微信支付充值单号】 微信支付充值单号
    query:
      sub_mchid:
        type: string
        max_length: 32
        required: true
        description: 【二级商户号】 二级商户号
    response:
      status: 200
      body: MchDeposit
"#;
    fs::write(&service, format!("{yaml}{new_operation}")).expect("write spec");

    let output = generate(&root);
    let models = output
        .get("generated-sdk/services/ecommerce/src/platsolution/models.rs")
        .expect("models");
    assert!(
        models.contains("pub bank_branch_name: Option<String>,"),
        "new field in the model"
    );
    assert!(
        models.contains("【开户支行名称】 新增字段"),
        "its description as rustdoc"
    );
    let client = output
        .get("generated-sdk/services/ecommerce/src/platsolution/client.rs")
        .expect("client");
    assert!(
        client.contains("pub fn query_recharge_by_id("),
        "new method"
    );
    assert!(client.contains("target.segment(\"recharge_id\", &request.recharge_id)?;"));
    let requests = output
        .get("generated-sdk/services/ecommerce/src/platsolution/requests.rs")
        .expect("requests");
    assert!(requests.contains("pub struct QueryRechargeByIdRequest"));
    let page = output
        .get("generated-sdk/docs/platsolution/query_recharge_by_id.md")
        .expect("a docs page for the new endpoint");
    assert!(page.contains("`GET /v3/platsolution/ecommerce/recharges/id/{recharge_id}`"));
    let index = output
        .get("generated-sdk/docs/README.md")
        .expect("docs index");
    assert!(index.contains("[按微信支付充值单号查询](platsolution/query_recharge_by_id.md)"));
    let close_page = output
        .get("generated-sdk/docs/platsolution/close_recharge.md")
        .expect("page");
    assert!(
        close_page
            .contains("| `bank_branch_name` | string | 选填 | 128 | 【开户支行名称】 新增字段 |")
    );
    let _ = fs::remove_dir_all(&root);
}

/// Snapshot of everything the obstacle-course spec generates. `UPDATE_SNAPSHOTS=1` rewrites it.
#[test]
fn naming_obstacle_course_matches_its_snapshot() {
    let output = generate(&fixture("naming"));
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/naming");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    for (path, contents) in output.files() {
        let snapshot = snapshots.join(path.trim_start_matches("generated-sdk/"));
        if update {
            fs::create_dir_all(snapshot.parent().expect("parent")).expect("create dir");
            fs::write(&snapshot, contents).expect("write snapshot");
        } else if fs::read_to_string(&snapshot).ok().as_deref() != Some(contents) {
            mismatches.push(path.to_owned());
        }
    }
    assert!(
        mismatches.is_empty(),
        "output differs from tests/snapshots/naming (rerun with UPDATE_SNAPSHOTS=1 and review the diff): {mismatches:?}"
    );
    let client = output
        .get("generated-sdk/services/all/src/obstacle/client.rs")
        .expect("client");
    assert!(
        client.contains(
            "pub fn match_(&self, request: &MatchRequest) -> crate::runtime::Call<'a, ()>"
        )
    );
    let models = output
        .get("generated-sdk/services/all/src/obstacle/models.rs")
        .expect("models");
    assert!(models.contains("pub struct Option_ {"));
    assert!(models.contains("pub type_: String,"));
    assert!(models.contains("fields.required(\"type\", &mut slots.0);"));
    assert!(models.contains("type_: f0,"));
    assert!(models.contains("members.required(\"type\", &self.type_);"));
    assert!(models.contains("pub field_3ds_info: Option<String>,"));
    assert!(models.contains("see \\[the docs\\](<https://example.test/a_b>) &lt;b&gt;"));
    let enums = output
        .get("generated-sdk/services/all/src/obstacle/enums.rs")
        .expect("enums");
    assert!(enums.contains("    V1,\n") && enums.contains("    Self_,\n"));
}

/// The obstacle-course output, put next to a copy of the hand-written runtime crate, builds under
/// `#![deny(missing_docs, warnings)]` and its generated example tests pass.
#[test]
fn naming_obstacle_course_compiles_and_its_examples_pass() {
    let root = scratch_dir("naming-crate");
    let sdk = workspace_root().join("generated-sdk");
    fs::create_dir_all(root.join("generated-sdk/src")).expect("create dir");
    fs::copy(
        sdk.join("src/lib.rs"),
        root.join("generated-sdk/src/lib.rs"),
    )
    .expect("copy lib.rs");
    copy_dir(&sdk.join("runtime"), &root.join("generated-sdk/runtime"));
    // The manifest names the benchmarks and the example; `--lib` never builds them, but cargo
    // wants their files there.
    copy_dir(&sdk.join("benches"), &root.join("generated-sdk/benches"));
    copy_dir(&sdk.join("examples"), &root.join("generated-sdk/examples"));
    // Hand-written tests of generated sensitive fields and events, with the test keys.
    copy_dir(
        &sdk.join("src/testkit/keys"),
        &root.join("generated-sdk/tests/keys"),
    );
    fs::copy(
        fixture("naming").join("sdk_tests/extras.rs"),
        root.join("generated-sdk/tests/extras.rs"),
    )
    .expect("copy the extra tests");
    generate(&fixture("naming"))
        .write(&root)
        .expect("write output");
    fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\n\
         members = [\"generated-sdk\", \"generated-sdk/runtime\", \"generated-sdk/services/all\"]\n\n\
         [workspace.package]\nedition = \"2024\"\nrust-version = \"1.88\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = false\n",
    )
    .expect("write manifest");
    fs::copy(workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).expect("copy lock");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let result = Command::new(cargo)
        .args([
            "test",
            "--offline",
            // The facade and the crate of services holding the generated example tests.
            "-p",
            "wechatpay-apiv3",
            "-p",
            "wechatpay-apiv3-all",
            "--lib",
            "--test",
            "extras",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/naming-crate"),
        )
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        result.status.success(),
        "the generated crate failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("examples::match_request_example_1 ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("examples::fetch_self_response_example_1 ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("a_delete_with_a_body_sends_it_to_its_own_host ... ok"),
        "{stdout}"
    );
    assert!(
        stdout.contains("integer_enums_travel_as_integers_and_keep_unknown_values ... ok"),
        "{stdout}"
    );
    // Decimals (`type: number`) decode and encode back unchanged.
    assert!(
        stdout.contains("examples::list_things_response_example_1 ... ok"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("sensitive_fields_are_encrypted_before_sending_and_the_serial_named ... ok"),
        "{stdout}"
    );
    let _ = fs::remove_dir_all(&root);
}

/// Issue 18 item 3: every lifecycle is drawn (Mermaid `stateDiagram-v2`) on a page of its own,
/// linked from the index and from its operations' pages, and in the rustdoc of its operations,
/// each transition naming its operation.
#[test]
fn lifecycles_are_drawn_in_the_docs_and_the_rustdoc_of_their_operations() {
    let output = generate(&workspace_root());
    let recharge = output
        .get("generated-sdk/docs/platsolution/lifecycles/recharge.md")
        .expect("a page for the recharge lifecycle");
    assert!(
        recharge.contains(
            "```mermaid\nstateDiagram-v2\n    [*] --> RECHARGING : apply_recharge\n    RECHARGING --> CLOSED : close_recharge\n```"
        ),
        "{recharge}"
    );
    let transaction = output
        .get("generated-sdk/docs/basic_payment/lifecycles/transaction.md")
        .expect("a page for the order lifecycle");
    assert!(transaction.contains("    NOTPAY --> CLOSED : close_order\n"));
    assert!(transaction.contains("    note right of SUCCESS : TRANSACTION.SUCCESS\n"));
    assert!(
        !transaction.contains("SUCCESS --> CLOSED"),
        "a paid order cannot be closed: close_order's `from` leaves SUCCESS out"
    );
    let refund = output
        .get("generated-sdk/docs/refund/lifecycles/refund.md")
        .expect("a page for the refund lifecycle");
    assert!(refund.contains("    [*] --> PROCESSING : create_refund\n"));
    assert!(refund.contains("| `ABNORMAL` | `REFUND.ABNORMAL` |"));
    let index = output.get("generated-sdk/docs/README.md").expect("index");
    assert!(
        index.contains("| [二级商户充值单](platsolution/lifecycles/recharge.md) | `recharge` |")
    );
    let close_page = output
        .get("generated-sdk/docs/basic_payment/close_order.md")
        .expect("page");
    assert!(close_page.contains("| 生命周期 | [支付订单](lifecycles/transaction.md) (sandbox): moves a 支付订单 from `NOTPAY`"));
    let client = output
        .get("generated-sdk/services/ecommerce/src/platsolution/client.rs")
        .expect("client");
    assert!(client.contains(
        "/// Lifecycle `recharge` (kept by the sandbox of the `testkit` feature): this operation moves a 二级商户充值单 to `CLOSED`."
    ));
    assert!(client.contains("    /// ```mermaid\n    /// stateDiagram-v2\n"));
}
