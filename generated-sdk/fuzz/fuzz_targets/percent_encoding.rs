//! Any path segment and query pair: the target holds only unreserved characters and `%XX`, and
//! each value decodes back to what was given.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wechatpay_apiv3::runtime::PathAndQuery;
use wechatpay_apiv3_fuzz::assert_encodes;

#[derive(Debug, Arbitrary)]
struct Input {
    segment: String,
    key: String,
    value: String,
}

fuzz_target!(|input: Input| {
    let mut target = PathAndQuery::new();
    target.literal("/v3/orders/");
    target.segment(&input.segment);
    target.query(&input.key, &input.value);
    let target = target.finish();

    let (path, query) = target.split_once('?').expect("a query was added");
    let segment = path
        .strip_prefix("/v3/orders/")
        .expect("the literal comes first");
    let (key, value) = query.split_once('=').expect("key=value");
    assert_encodes(&input.segment, segment);
    assert_encodes(&input.key, key);
    assert_encodes(&input.value, value);
});
