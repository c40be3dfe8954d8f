//! `changes` on scratch copies of the real spec: each edit a maintainer might make, the line it
//! is reported with, its classification and the version it calls for.

use std::path::Path;

use codegen::changes::Changes;
use codegen::ir::{Api, Bump};
use codegen::spec::Sources;

const SERVICE: &str = "spec/services/basic_payment.yaml";

/// The real spec, its crate version set to 0.1.0 so the expected bumps do not move with it.
fn spec() -> Sources {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = codegen::spec::read_sources(&root).expect("the spec reads");
    sources.api.text = sources
        .api
        .text
        .lines()
        .map(|line| match line.strip_prefix("  version: ") {
            Some(_) => "  version: 0.1.0",
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    sources
}

fn resolve(sources: &Sources) -> Api {
    codegen::resolve(sources).unwrap_or_else(|error| panic!("the spec resolves:\n{error}"))
}

/// One text edit of the service file: `from`, first met after `anchor` (which occurs once),
/// becomes `to`.
#[derive(Clone, Copy)]
struct Edit<'a> {
    anchor: &'a str,
    from: &'a str,
    to: &'a str,
}

/// The changes the edits make, in order, to the service file.
fn edited(edits: &[Edit<'_>]) -> Changes {
    let base = spec();
    let mut current = base.clone();
    let source = service_file(&mut current);
    for Edit { anchor, from, to } in edits {
        assert_eq!(
            source.text.matches(anchor).count(),
            1,
            "{anchor:?} occurs once"
        );
        let start = source.text.find(anchor).unwrap_or_default();
        let at = start
            + source.text[start..]
                .find(from)
                .unwrap_or_else(|| panic!("{from:?} follows {anchor:?}"));
        source.text.replace_range(at..at + from.len(), to);
    }
    Changes::between(&resolve(&base), &resolve(&current))
}

fn service_file(sources: &mut Sources) -> &mut codegen::spec::SourceFile {
    sources
        .services
        .iter_mut()
        .find(|source| source.path == SERVICE)
        .expect("the service file exists")
}

fn lines(changes: &Changes) -> Vec<String> {
    changes.changes.iter().map(ToString::to_string).collect()
}

const AMOUNT: &str = "  Amount:\n    description: 订单金额\n";
const CURRENCY: &str = "      currency:\n        type: string\n        description: 货币类型\n";

#[test]
fn an_unchanged_spec_has_no_changes_and_needs_no_bump() {
    let changes = edited(&[]);
    assert!(changes.changes.is_empty(), "{:?}", lines(&changes));
    assert_eq!(changes.bump(), Bump::None);
    assert_eq!(changes.suggested_version().to_string(), "0.1.0");
}

#[test]
fn removing_a_field_is_breaking() {
    let changes = edited(&[Edit {
        anchor: AMOUNT,
        from: CURRENCY,
        to: "",
    }]);
    assert_eq!(
        lines(&changes),
        ["breaking  basic_payment: field `Amount.currency` removed"]
    );
    assert_eq!(changes.suggested_version().to_string(), "0.2.0");
    assert!(changes.breaking_without_bump());
}

#[test]
fn making_a_field_required_is_breaking() {
    let required = "      currency:\n        type: string\n        required: true\n        description: 货币类型\n";
    let changes = edited(&[Edit {
        anchor: AMOUNT,
        from: CURRENCY,
        to: required,
    }]);
    assert_eq!(
        lines(&changes),
        ["breaking  basic_payment: field `Amount.currency` made required"]
    );
    assert_eq!(changes.suggested_version().to_string(), "0.2.0");
}

#[test]
fn removing_an_enum_value_is_breaking() {
    let changes = edited(&[Edit {
        anchor: "  LimitPay:\n",
        from: "      no_credit: null\n",
        to: "",
    }]);
    assert_eq!(
        lines(&changes),
        ["breaking  basic_payment: enum value `LimitPay::NoCredit` removed"]
    );
    assert_eq!(changes.suggested_version().to_string(), "0.2.0");
}

#[test]
fn renaming_a_type_is_breaking_and_names_both() {
    let header = Edit {
        anchor: "  Payer:\n    description: 支付者\n",
        from: "  Payer:",
        to: "  PayerInfo:",
    };
    // Every field holding it: the three prepay requests.
    let uses = [
        "path: /v3/pay/transactions/app\n",
        "path: /v3/pay/transactions/h5\n",
        "path: /v3/pay/transactions/native\n",
    ]
    .map(|anchor| Edit {
        anchor,
        from: "type: Payer\n",
        to: "type: PayerInfo\n",
    });
    let changes = edited(&[header, uses[0], uses[1], uses[2]]);
    let reported = lines(&changes);
    assert!(
        reported
            .contains(&"breaking  basic_payment: type `Payer` renamed to `PayerInfo`".to_owned()),
        "{reported:?}"
    );
    // The fields holding it changed type too, and each is named.
    assert!(
        reported
            .iter()
            .any(|line| line.contains(".payer` is object PayerInfo (was object Payer)")),
        "{reported:?}"
    );
    assert!(
        reported.iter().all(|line| line.starts_with("breaking")),
        "{reported:?}"
    );
    assert_eq!(changes.suggested_version().to_string(), "0.2.0");
}

#[test]
fn adding_an_optional_field_is_additive() {
    let added = format!(
        "{CURRENCY}      payer_currency:\n        type: string\n        description: 用户支付币种\n"
    );
    let changes = edited(&[Edit {
        anchor: AMOUNT,
        from: CURRENCY,
        to: &added,
    }]);
    assert_eq!(
        lines(&changes),
        ["additive  basic_payment: optional field `Amount.payer_currency` added"]
    );
    assert_eq!(changes.bump(), Bump::Additive);
    // A 0.x crate: an addition moves the patch version.
    assert_eq!(changes.suggested_version().to_string(), "0.1.1");
    assert!(!changes.breaking_without_bump());
}

#[test]
fn adding_an_operation_is_additive() {
    let operation = "operations:\n  close_order_twice:\n    title: 关单API\n    description: 关单API\n    \
                     merchants: [直连商户]\n    updated: 2026.12.04\n    method: POST\n    path: /v3/pay/transactions/out-trade-no/{out_trade_no}/close-twice\n    \
                     path_params:\n      out_trade_no:\n        type: string\n        required: true\n        \
                     description: 商户订单号\n    response:\n      status: 204\n";
    let changes = edited(&[Edit {
        anchor: "\noperations:\n",
        from: "operations:\n",
        to: operation,
    }]);
    let reported = lines(&changes);
    assert!(
        reported
            .contains(&"additive  basic_payment: operation `close_order_twice` added".to_owned()),
        "{reported:?}"
    );
    assert!(
        reported.iter().all(|line| line.starts_with("additive")),
        "{reported:?}"
    );
    assert_eq!(changes.suggested_version().to_string(), "0.1.1");
}

#[test]
fn a_description_change_is_a_patch() {
    let changes = edited(&[Edit {
        anchor: AMOUNT,
        from: "description: 货币类型\n",
        to: "description: 货币类型，CNY\n",
    }]);
    assert_eq!(
        lines(&changes),
        ["patch     basic_payment: documentation or behaviour changed, the public API did not"]
    );
    assert_eq!(changes.suggested_version().to_string(), "0.1.1");
}

#[test]
fn tightening_a_request_limit_is_breaking_and_loosening_it_is_not() {
    let app = "path: /v3/pay/transactions/app\n";
    let limit = "      description:\n        type: string\n        max_length: 127\n";
    let tighter = edited(&[Edit {
        anchor: app,
        from: limit,
        to: &limit.replace("127", "64"),
    }]);
    assert_eq!(
        lines(&tighter),
        ["breaking  basic_payment: field `AppPrepayRequest.description` length limit 64 (was 127)"]
    );
    let looser = edited(&[Edit {
        anchor: app,
        from: limit,
        to: &limit.replace("127", "256"),
    }]);
    assert_eq!(looser.bump(), Bump::Patch, "{:?}", lines(&looser));
}

#[test]
fn a_breaking_change_with_the_bump_passes_the_check() {
    let base = spec();
    let mut current = base.clone();
    current.api.text = current
        .api
        .text
        .replacen("version: 0.1.0", "version: 0.2.0", 1);
    let service = service_file(&mut current);
    let amount = service.text.find(AMOUNT).expect("Amount is defined");
    let at = amount
        + service.text[amount..]
            .find(CURRENCY)
            .expect("with a currency");
    service.text.replace_range(at..at + CURRENCY.len(), "");
    let changes = Changes::between(&resolve(&base), &resolve(&current));
    assert_eq!(changes.bump(), Bump::Breaking);
    assert!(!changes.breaking_without_bump());
    assert!(
        changes.summary().contains("version 0.2.0 is bumped enough"),
        "{}",
        changes.summary()
    );
    // An additive bump is not enough for a breaking change.
    current.api.text = current
        .api
        .text
        .replacen("version: 0.2.0", "version: 0.1.1", 1);
    let changes = Changes::between(&resolve(&base), &resolve(&current));
    assert!(changes.breaking_without_bump());
    assert!(
        changes.summary().contains("must become 0.2.0"),
        "{}",
        changes.summary()
    );
}

#[test]
fn a_malformed_version_is_refused_with_its_place() {
    let mut sources = spec();
    sources.api.text = sources
        .api
        .text
        .replacen("version: 0.1.0", "version: 0.1", 1);
    let error = codegen::resolve(&sources).expect_err("refused").to_string();
    assert!(error.contains("spec/api.yaml:"), "{error}");
    assert!(error.contains("api.version"), "{error}");
    assert!(error.contains("MAJOR.MINOR.PATCH"), "{error}");
}

#[test]
fn a_second_success_status_is_breaking_the_method_answers_an_outcome_enum() {
    let close = "path: /v3/pay/transactions/out-trade-no/{out_trade_no}/close\n";
    let changes = edited(&[Edit {
        anchor: close,
        from: "    response:\n      status: 204\n",
        to: "    response:\n      status: 204\n      alternatives:\n      - status: 202\n",
    }]);
    let reported = lines(&changes);
    assert!(
        reported.contains(
            &"breaking  basic_payment: operation `close_order` answers CloseOrderOutcome (was ())"
                .to_owned()
        ),
        "{reported:?}"
    );
    assert!(
        reported.contains(&"additive  basic_payment: type `CloseOrderOutcome` added".to_owned()),
        "{reported:?}"
    );
}

#[test]
fn taking_a_service_out_of_the_default_features_is_breaking_and_adding_one_additive() {
    let base = spec();
    let mut current = base.clone();
    let defaults = "default_features: [basic_payment, refund, bill, certificates]";
    assert!(current.api.text.contains(defaults), "{}", current.api.text);
    current.api.text = current.api.text.replacen(
        defaults,
        "default_features: [basic_payment, refund, certificates, mch_transfer]",
        1,
    );
    let changes = Changes::between(&resolve(&base), &resolve(&current));
    assert_eq!(
        lines(&changes),
        [
            "breaking  bill: no longer a default feature (dependencies must name `bill`)",
            "additive  mch_transfer: now a default feature (`mch_transfer`)",
        ]
    );
}
