//! Partly unknown collections and numbers that must not panic.

use super::*;
use crate::protocol::value::Number;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, Debug, PartialEq)]
struct M {
    tags: Val<Vec<String>>,
    n: Val<i64>,
}

#[test]
fn partly_unknown_collection_reads_as_unknown() {
    let v = Value::Map(BTreeMap::from([
        (
            "tags".to_owned(),
            Value::List(vec!["a".into(), Value::Unknown]),
        ),
        ("n".to_owned(), Value::Number(Number::from(1))),
    ]));
    let m: M = from_value(&v).expect("decodes");
    assert_eq!(
        m,
        M {
            tags: Val::Unknown,
            n: Val::Known(1)
        }
    );
}

#[test]
fn huge_exponent_is_an_error_not_a_panic() {
    let v = Value::Number(Number::Big("1e9223372036854775807".into()));
    assert!(from_value::<i64>(&v).is_err());
}
