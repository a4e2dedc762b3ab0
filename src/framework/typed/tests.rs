//! Round trips, errors and edge cases of the bridge.

use super::*;
use crate::protocol::value::Number;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::HashMap;

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Subject {
    common_name: Val<String>,
    country: Val<String>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Model {
    id: Val<String>,
    alias: Val<String>,
    validity_days: Val<i64>,
    max_retries: Val<u32>,
    deletion_protection: Val<bool>,
    alt_names: Val<Vec<String>>,
    subject: Val<Subject>,
    tags: Val<BTreeMap<String, String>>,
    opt: Option<String>,
}

fn s(x: &str) -> Value {
    Value::String(x.to_owned())
}

fn int(i: i64) -> Value {
    Value::Number(Number::Int(i))
}

fn obj(attrs: &[(&str, Value)]) -> Value {
    Value::Map(
        attrs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn full_model() -> Model {
    Model {
        id: Val::Known("ca-1".into()),
        alias: Val::Known("root".into()),
        validity_days: Val::Known(365),
        max_retries: Val::Known(3),
        deletion_protection: Val::Known(true),
        alt_names: Val::Known(vec!["a.example".into(), "b.example".into()]),
        subject: Val::Known(Subject {
            common_name: Val::Known("Example CA".into()),
            country: Val::Known("KR".into()),
        }),
        tags: Val::Known(BTreeMap::from([("env".to_owned(), "prod".to_owned())])),
        opt: Some("x".into()),
    }
}

fn full_value() -> Value {
    obj(&[
        ("id", s("ca-1")),
        ("alias", s("root")),
        ("validity_days", int(365)),
        ("max_retries", int(3)),
        ("deletion_protection", Value::Bool(true)),
        (
            "alt_names",
            Value::List(vec![s("a.example"), s("b.example")]),
        ),
        (
            "subject",
            obj(&[("common_name", s("Example CA")), ("country", s("KR"))]),
        ),
        ("tags", obj(&[("env", s("prod"))])),
        ("opt", s("x")),
    ])
}

fn round_trip(m: &Model, v: &Value) {
    assert_eq!(&to_value(m).unwrap(), v, "serialising {m:?}");
    assert_eq!(&from_value::<Model>(v).unwrap(), m, "deserialising {v:?}");
}

#[test]
fn all_known_round_trip() {
    round_trip(&full_model(), &full_value());
}

#[test]
fn all_null_round_trip() {
    let m = Model {
        id: Val::Null,
        alias: Val::Null,
        validity_days: Val::Null,
        max_retries: Val::Null,
        deletion_protection: Val::Null,
        alt_names: Val::Null,
        subject: Val::Null,
        tags: Val::Null,
        opt: None,
    };
    let v = obj(&[
        ("id", Value::Null),
        ("alias", Value::Null),
        ("validity_days", Value::Null),
        ("max_retries", Value::Null),
        ("deletion_protection", Value::Null),
        ("alt_names", Value::Null),
        ("subject", Value::Null),
        ("tags", Value::Null),
        ("opt", Value::Null),
    ]);
    round_trip(&m, &v);
    // An empty object reads the same: every missing attribute is null.
    assert_eq!(
        from_value::<Model>(&Value::Map(BTreeMap::new())).unwrap(),
        m
    );
}

#[test]
fn all_unknown_round_trip() {
    let m = Model {
        id: Val::Unknown,
        alias: Val::Unknown,
        validity_days: Val::Unknown,
        max_retries: Val::Unknown,
        deletion_protection: Val::Unknown,
        alt_names: Val::Unknown,
        subject: Val::Unknown,
        tags: Val::Unknown,
        opt: None,
    };
    let v = obj(&[
        ("id", Value::Unknown),
        ("alias", Value::Unknown),
        ("validity_days", Value::Unknown),
        ("max_retries", Value::Unknown),
        ("deletion_protection", Value::Unknown),
        ("alt_names", Value::Unknown),
        ("subject", Value::Unknown),
        ("tags", Value::Unknown),
        ("opt", Value::Null),
    ]);
    round_trip(&m, &v);
}

#[test]
fn mixed_states_at_every_level() {
    let mut m = full_model();
    m.id = Val::Unknown;
    m.alias = Val::Null;
    m.alt_names = Val::Known(vec![]);
    m.subject = Val::Known(Subject {
        common_name: Val::Unknown,
        country: Val::Null,
    });
    m.tags = Val::Known(BTreeMap::new());
    m.opt = None;
    let v = obj(&[
        ("id", Value::Unknown),
        ("alias", Value::Null),
        ("validity_days", int(365)),
        ("max_retries", int(3)),
        ("deletion_protection", Value::Bool(true)),
        ("alt_names", Value::List(vec![])),
        (
            "subject",
            obj(&[("common_name", Value::Unknown), ("country", Value::Null)]),
        ),
        ("tags", Value::Map(BTreeMap::new())),
        ("opt", Value::Null),
    ]);
    round_trip(&m, &v);
}

#[test]
fn unknown_elements_need_val_elements() {
    let v = Value::List(vec![s("a"), Value::Unknown, Value::Null]);
    let got: Vec<Val<String>> = from_value(&v).unwrap();
    assert_eq!(got, vec![Val::Known("a".into()), Val::Unknown, Val::Null]);
    assert_eq!(to_value(&got).unwrap(), v);

    let tags = obj(&[("a", Value::Unknown), ("b", s("x"))]);
    let got: BTreeMap<String, Val<String>> = from_value(&tags).unwrap();
    assert_eq!(got["a"], Val::Unknown);
    assert_eq!(to_value(&got).unwrap(), tags);
}

#[test]
fn missing_attributes_are_null_and_extra_ones_ignored() {
    let v = obj(&[
        ("id", s("ca-1")),
        (
            "subject",
            obj(&[("common_name", s("CN")), ("extra", Value::Unknown)]),
        ),
        ("not_in_model", Value::Unknown),
    ]);
    let m: Model = from_value(&v).unwrap();
    assert_eq!(m.id, Val::Known("ca-1".into()));
    assert_eq!(m.alias, Val::Null);
    assert_eq!(m.opt, None);
    assert_eq!(
        m.subject,
        Val::Known(Subject {
            common_name: Val::Known("CN".into()),
            country: Val::Null
        })
    );
    // Serialising writes every field of the model, and only those.
    let back = to_value(&m).unwrap();
    let keys: Vec<&str> = back.as_map().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "alias",
            "alt_names",
            "deletion_protection",
            "id",
            "max_retries",
            "opt",
            "subject",
            "tags",
            "validity_days"
        ]
    );
    assert_eq!(
        back.get("subject").and_then(|s| s.get("country")),
        Some(&Value::Null)
    );
}

#[test]
fn out_of_range_integers() {
    let mut v = full_value();
    if let Value::Map(m) = &mut v {
        m.insert("max_retries".into(), int(-1));
    }
    let e = from_value::<Model>(&v).unwrap_err();
    assert_eq!(e.to_string(), "max_retries: value -1 out of range for u32");
    assert_eq!(e.path(), [PathStep::Attr("max_retries".into())]);
    assert_eq!(e.message(), "value -1 out of range for u32");

    let e = from_value::<u8>(&int(300)).unwrap_err();
    assert_eq!(e.to_string(), "value 300 out of range for u8");
    let e = from_value::<i8>(&int(-129)).unwrap_err();
    assert_eq!(e.to_string(), "value -129 out of range for i8");
    assert_eq!(from_value::<i8>(&int(-128)).unwrap(), -128);
    let e = from_value::<i64>(&Value::Number(Number::UInt(u64::MAX))).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("value {} out of range for i64", u64::MAX)
    );
    assert_eq!(
        from_value::<u64>(&Value::Number(Number::UInt(u64::MAX))).unwrap(),
        u64::MAX
    );
    let e = from_value::<u32>(&Value::Number(Number::Big("1e400".into()))).unwrap_err();
    assert_eq!(e.to_string(), "value 1e400 out of range for u32");
    let huge = "123456789012345678901234567890";
    let e = from_value::<i64>(&Value::Number(Number::Big(huge.into()))).unwrap_err();
    assert_eq!(e.to_string(), format!("value {huge} out of range for i64"));
    assert_eq!(
        from_value::<i128>(&Value::Number(Number::Big(format!("-{huge}")))).unwrap(),
        -123_456_789_012_345_678_901_234_567_890_i128
    );
    assert_eq!(
        from_value::<i128>(&Value::Number(Number::Big(i128::MIN.to_string()))).unwrap(),
        i128::MIN
    );
    assert_eq!(
        from_value::<u128>(&Value::Number(Number::Big(u128::MAX.to_string()))).unwrap(),
        u128::MAX
    );
}

#[test]
fn big_numbers_that_fit() {
    let big = |t: &str| Value::Number(Number::Big(t.into()));
    assert_eq!(from_value::<i64>(&big("42")).unwrap(), 42);
    assert_eq!(from_value::<i64>(&big("-42")).unwrap(), -42);
    assert_eq!(from_value::<i64>(&big("4.2e1")).unwrap(), 42);
    assert_eq!(from_value::<i64>(&big("4200e-2")).unwrap(), 42);
    assert_eq!(from_value::<u8>(&big("0.000")).unwrap(), 0);
    assert_eq!(from_value::<i64>(&big("-0")).unwrap(), 0);
    assert_eq!(
        from_value::<i64>(&big(&i64::MIN.to_string())).unwrap(),
        i64::MIN
    );
    assert_eq!(
        from_value::<Val<i64>>(&big("9007199254740993")).unwrap(),
        Val::Known(9_007_199_254_740_993)
    );
    let m: Model = from_value(&obj(&[("validity_days", big("36500"))])).unwrap();
    assert_eq!(m.validity_days, Val::Known(36_500));
}

#[test]
fn floats_into_integers_only_when_integral() {
    let num = |n: Number| Value::Number(n);
    assert_eq!(from_value::<i64>(&num(Number::Float(2.0))).unwrap(), 2);
    assert_eq!(from_value::<i32>(&num(Number::Float(-7.0))).unwrap(), -7);
    let e = from_value::<i64>(&num(Number::Float(2.5))).unwrap_err();
    assert_eq!(e.to_string(), "value 2.5 is not an integer (i64)");
    let e = from_value::<u32>(&num(Number::Big("0.5".into()))).unwrap_err();
    assert_eq!(e.to_string(), "value 0.5 is not an integer (u32)");
    let e = from_value::<u32>(&num(Number::Big("1e-400".into()))).unwrap_err();
    assert_eq!(e.to_string(), "value 1e-400 is not an integer (u32)");
    let e = from_value::<i64>(&num(Number::Float(f64::INFINITY))).unwrap_err();
    assert_eq!(e.to_string(), "value Infinity out of range for i64");
    let e = from_value::<u64>(&num(Number::Float(1e30))).unwrap_err();
    assert!(e.to_string().ends_with("out of range for u64"), "{e}");
    let mut v = full_value();
    if let Value::Map(m) = &mut v {
        m.insert("validity_days".into(), num(Number::Float(1.5)));
    }
    let e = from_value::<Model>(&v).unwrap_err();
    assert_eq!(
        e.to_string(),
        "validity_days: value 1.5 is not an integer (i64)"
    );
}

#[test]
fn floats() {
    assert_eq!(from_value::<f64>(&int(3)).unwrap(), 3.0);
    assert_eq!(
        from_value::<f64>(&Value::Number(Number::Float(0.25))).unwrap(),
        0.25
    );
    assert_eq!(
        from_value::<f32>(&Value::Number(Number::Float(0.5))).unwrap(),
        0.5
    );
    let e = from_value::<f32>(&Value::Number(Number::Float(1e300))).unwrap_err();
    assert_eq!(e.to_string(), "value 1e300 out of range for f32");
    assert_eq!(
        to_value(&0.25f64).unwrap(),
        Value::Number(Number::Float(0.25))
    );
    assert_eq!(to_value(&2.0f64).unwrap(), int(2));
    assert_eq!(
        to_value(&0.1f32).unwrap(),
        Value::Number(Number::Float(0.1))
    );
    assert_eq!(
        to_value(&f32::INFINITY).unwrap(),
        Value::Number(Number::Float(f64::INFINITY))
    );
    assert!(to_value(&f64::NAN).is_err());
}

#[test]
fn integers_serialise_compactly() {
    assert_eq!(to_value(&200u8).unwrap(), int(200));
    assert_eq!(to_value(&-5i16).unwrap(), int(-5));
    assert_eq!(
        to_value(&u64::MAX).unwrap(),
        Value::Number(Number::UInt(u64::MAX))
    );
    assert_eq!(to_value(&7u64).unwrap(), int(7));
    assert_eq!(
        to_value(&i128::MIN).unwrap(),
        Value::Number(Number::Big(i128::MIN.to_string()))
    );
    assert_eq!(
        to_value(&u128::from(u64::MAX)).unwrap(),
        Value::Number(Number::UInt(u64::MAX))
    );
    // And back.
    let v = to_value(&i128::MIN).unwrap();
    assert_eq!(from_value::<i128>(&v).unwrap(), i128::MIN);
}

#[test]
fn unknown_into_plain_types_is_an_error_with_a_path() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct PlainSubject {
        common_name: String,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Plain {
        subject: PlainSubject,
        alt_names: Vec<String>,
        opt: Option<String>,
        tags: BTreeMap<String, u8>,
    }
    let good = || {
        BTreeMap::from([
            ("subject".to_owned(), obj(&[("common_name", s("CN"))])),
            (
                "alt_names".to_owned(),
                Value::List(vec![s("a"), s("b"), s("c")]),
            ),
            ("opt".to_owned(), Value::Null),
            ("tags".to_owned(), obj(&[("env", int(1))])),
        ])
    };
    assert!(from_value::<Plain>(&Value::Map(good())).is_ok());

    let with = |k: &str, v: Value| {
        let mut m = good();
        m.insert(k.to_owned(), v);
        from_value::<Plain>(&Value::Map(m)).unwrap_err().to_string()
    };
    assert_eq!(
        with("subject", obj(&[("common_name", Value::Unknown)])),
        "subject.common_name: value is unknown"
    );
    assert_eq!(
        with("subject", obj(&[("common_name", Value::Null)])),
        "subject.common_name: value is null"
    );
    assert_eq!(
        with("subject", obj(&[])),
        "subject.common_name: value is null"
    );
    assert_eq!(
        with(
            "alt_names",
            Value::List(vec![s("a"), s("b"), Value::Unknown])
        ),
        "alt_names[2]: value is unknown"
    );
    assert_eq!(
        with("alt_names", Value::Unknown),
        "alt_names: value is unknown"
    );
    assert_eq!(with("opt", Value::Unknown), "opt: value is unknown");
    assert_eq!(
        with("tags", obj(&[("env", int(256))])),
        "tags[\"env\"]: value 256 out of range for u8"
    );
    assert_eq!(
        with("subject", obj(&[("common_name", int(1))])),
        "subject.common_name: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        with("alt_names", s("a")),
        "alt_names: invalid type: string \"a\", expected a sequence"
    );

    assert_eq!(
        from_value::<String>(&Value::Unknown)
            .unwrap_err()
            .to_string(),
        "value is unknown"
    );
    assert_eq!(
        from_value::<Option<String>>(&Value::Unknown)
            .unwrap_err()
            .to_string(),
        "value is unknown"
    );
    assert_eq!(from_value::<Option<String>>(&Value::Null).unwrap(), None);
}

#[test]
fn nested_paths_through_val() {
    let mut v = full_value();
    if let Value::Map(m) = &mut v {
        m.insert(
            "alt_names".into(),
            Value::List(vec![s("a"), s("b"), Value::Unknown]),
        );
    }
    // A partly unknown value that the model cannot hold reads as unknown ...
    let m = from_value::<Model>(&v).unwrap();
    assert_eq!(m.alt_names, Val::Unknown);
    // ... while a plain (non-`Val`) field reports where the unknown was.
    let e =
        from_value::<Vec<String>>(&Value::List(vec![s("a"), s("b"), Value::Unknown])).unwrap_err();
    assert_eq!(e.to_string(), "[2]: value is unknown");
    assert_eq!(e.path(), [PathStep::Index(2)]);
}

#[test]
fn dynamic_reads_as_its_content() {
    use crate::protocol::value::Type;
    let v = Value::Dynamic(Type::String, Box::new(s("x")));
    assert_eq!(from_value::<String>(&v).unwrap(), "x");
    assert_eq!(
        from_value::<Val<String>>(&v).unwrap(),
        Val::Known("x".into())
    );
    let list = Value::Dynamic(
        Type::list(Type::Number),
        Box::new(Value::List(vec![
            int(1),
            Value::Dynamic(Type::Number, Box::new(int(2))),
        ])),
    );
    assert_eq!(from_value::<Vec<u8>>(&list).unwrap(), vec![1, 2]);
    let m: Model = from_value(&obj(&[("id", v)])).unwrap();
    assert_eq!(m.id, Val::Known("x".into()));
}

#[test]
fn sets_read_as_sequences() {
    let v = Value::Set(vec![s("b"), s("a")]);
    assert_eq!(from_value::<Vec<String>>(&v).unwrap(), ["b", "a"]);
    let set: std::collections::BTreeSet<String> = from_value(&v).unwrap();
    assert_eq!(to_value(&set).unwrap(), Value::List(vec![s("a"), s("b")]));
}

#[test]
fn enums_renames_newtypes_and_hash_maps() {
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum KeyAlg {
        Rsa2048,
        EcP256,
    }
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Days(u32);
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    enum Shape {
        Point,
        Circle(f64),
        Rect { w: u8, h: u8 },
        Pair(u8, u8),
    }
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct M {
        #[serde(rename = "key_algorithm")]
        alg: Val<KeyAlg>,
        days: Days,
        labels: HashMap<String, Val<bool>>,
        shapes: Vec<Shape>,
        pair: (String, u8),
    }
    let m = M {
        alg: Val::Known(KeyAlg::EcP256),
        days: Days(30),
        labels: HashMap::from([
            ("a".to_owned(), Val::Unknown),
            ("b".to_owned(), Val::Known(true)),
        ]),
        shapes: vec![
            Shape::Point,
            Shape::Circle(0.5),
            Shape::Rect { w: 1, h: 2 },
            Shape::Pair(3, 4),
        ],
        pair: ("p".into(), 9),
    };
    let v = obj(&[
        ("key_algorithm", s("EC_P256")),
        ("days", int(30)),
        (
            "labels",
            obj(&[("a", Value::Unknown), ("b", Value::Bool(true))]),
        ),
        (
            "shapes",
            Value::List(vec![
                s("Point"),
                obj(&[("Circle", Value::Number(Number::Float(0.5)))]),
                obj(&[("Rect", obj(&[("w", int(1)), ("h", int(2))]))]),
                obj(&[("Pair", Value::List(vec![int(3), int(4)]))]),
            ]),
        ),
        ("pair", Value::List(vec![s("p"), int(9)])),
    ]);
    assert_eq!(to_value(&m).unwrap(), v);
    assert_eq!(from_value::<M>(&v).unwrap(), m);

    let e = from_value::<KeyAlg>(&s("DSA")).unwrap_err();
    assert!(e.to_string().starts_with("unknown variant `DSA`"), "{e}");
    let e = from_value::<Vec<Shape>>(&Value::List(vec![obj(&[(
        "Rect",
        obj(&[("w", int(1)), ("h", int(999))]),
    )])]))
    .unwrap_err();
    assert_eq!(e.to_string(), "[0].Rect.h: value 999 out of range for u8");
    let e = from_value::<(String, u8)>(&Value::List(vec![s("p"), int(1), int(2)])).unwrap_err();
    assert_eq!(e.to_string(), "too many elements: expected 2, found 3");
    let e = from_value::<(String, u8)>(&Value::List(vec![s("p")])).unwrap_err();
    assert!(e.to_string().starts_with("invalid length 1"), "{e}");
}

#[test]
fn serialisation_errors_carry_paths() {
    #[derive(Serialize)]
    struct Inner {
        x: f64,
    }
    #[derive(Serialize)]
    struct Outer {
        items: Vec<Inner>,
    }
    let e = to_value(&Outer {
        items: vec![Inner { x: 1.0 }, Inner { x: f64::NAN }],
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "items[1].x: NaN is not a valid number");
    let e = to_value(&BTreeMap::from([((1u8, 2u8), 1u8)])).unwrap_err();
    assert_eq!(e.to_string(), "map keys must be strings");
    let v = to_value(&BTreeMap::from([(1u8, true)])).unwrap();
    assert_eq!(v, obj(&[("1", Value::Bool(true))]));
}

#[test]
fn val_helpers() {
    let v: Val<String> = "x".to_owned().into();
    assert_eq!(v.as_ref(), Val::Known(&"x".to_owned()));
    assert_eq!(Val::<String>::Unknown.as_ref(), Val::Unknown);
    assert_eq!(Val::<u8>::from(None), Val::Null);
    assert_eq!(Val::Known(1).map(|n| n + 1).into_option(), Some(2));
    assert_eq!(Val::<u8>::Unknown.into_option(), None);
    assert_eq!(Val::<u8>::default(), Val::Null);
}

#[test]
fn val_with_other_formats() {
    assert_eq!(serde_json::from_str::<Val<i32>>("null").unwrap(), Val::Null);
    assert_eq!(
        serde_json::from_str::<Val<i32>>("5").unwrap(),
        Val::Known(5)
    );
    assert_eq!(serde_json::to_string(&Val::Known(5)).unwrap(), "5");
    assert_eq!(serde_json::to_string(&Val::<i32>::Null).unwrap(), "null");
    assert_eq!(serde_json::to_string(&Val::<i32>::Unknown).unwrap(), "null");
}

#[test]
fn ignored_and_any() {
    // deserialize_any: serde_json::Value from a bridge value.
    let v = obj(&[(
        "a",
        Value::List(vec![int(1), Value::Bool(false), Value::Null]),
    )]);
    let j: serde_json::Value = from_value(&v).unwrap();
    assert_eq!(j.to_string(), r#"{"a":[1,false,null]}"#);
    assert_eq!(
        from_value::<serde_json::Value>(&Value::Unknown)
            .unwrap_err()
            .to_string(),
        "value is unknown"
    );
}
