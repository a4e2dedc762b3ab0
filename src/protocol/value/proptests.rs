//! Round-trip properties of the value codecs over random types and conforming values.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::strategy::Union;

use super::{Number, Type, Value, json, msgpack};

/// What the generated values may contain.
#[derive(Debug, Clone, Copy)]
struct Opts {
    /// `Value::Unknown` anywhere (msgpack only).
    unknowns: bool,
    /// Infinite floats (msgpack only).
    infinities: bool,
}

const MSGPACK: Opts = Opts {
    unknowns: true,
    infinities: true,
};
const JSON: Opts = Opts {
    unknowns: false,
    infinities: false,
};

fn attr_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,5}"
}

fn map_key() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-z0-9_.-]{0,6}", 1 => "\\PC{0,4}"]
}

/// A random type, nesting at most `depth` levels of collections.
fn arb_type(depth: u32) -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map(attr_name(), inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

/// Numbers of every variant, including big ones that only survive as decimal text.
fn arb_number(opts: Opts) -> BoxedStrategy<Number> {
    let parsed =
        |re: &'static str| re.prop_filter_map("not a number", |s: String| Number::parse(&s));
    let mut choices: Vec<(u32, BoxedStrategy<Number>)> = vec![
        (3, (-300i64..300).prop_map(Number::Int).boxed()),
        (2, any::<i64>().prop_map(Number::Int).boxed()),
        (
            1,
            ((i64::MAX as u64 + 1)..=u64::MAX)
                .prop_map(Number::UInt)
                .boxed(),
        ),
        (
            2,
            prop_oneof![
                prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
                (-1000i32..1000).prop_map(|i| f64::from(i) + 0.5),
            ]
            .prop_map(Number::from_f64)
            .boxed(),
        ),
        (1, parsed("-?[1-9][0-9]{19,40}").boxed()),
        (1, parsed("-?[0-9]{1,3}\\.[0-9]{18,30}[1-9]").boxed()),
        (
            1,
            parsed("-?[1-9](\\.[0-9]{0,3}[1-9])?e-?[4-9][0-9]{2}").boxed(),
        ),
    ];
    if opts.infinities {
        choices.push((
            1,
            prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY)]
                .prop_map(Number::Float)
                .boxed(),
        ));
    }
    Union::new_weighted(choices).boxed()
}

/// A random value conforming to `ty`: nulls and (if allowed) unknowns at any position;
/// dynamic positions hold a [`Value::Dynamic`] of a random type at most `depth` deep.
fn arb_value(ty: &Type, opts: Opts, depth: u32) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::String => "\\PC{0,8}".prop_map(Value::String).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number(opts).prop_map(Value::Number).boxed(),
        Type::List(elem) => prop::collection::vec(arb_value(elem, opts, depth), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(elem) => prop::collection::vec(arb_value(elem, opts, depth), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(elem) => {
            prop::collection::btree_map(map_key(), arb_value(elem, opts, depth), 0..4)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Object(attrs) => {
            let fields: Vec<_> = attrs
                .iter()
                .map(|(k, t)| {
                    let k = k.clone();
                    arb_value(t, opts, depth).prop_map(move |v| (k.clone(), v))
                })
                .collect();
            fields
                .prop_map(|kvs| Value::Map(kvs.into_iter().collect::<BTreeMap<_, _>>()))
                .boxed()
        }
        Type::Tuple(elems) => {
            let items: Vec<_> = elems.iter().map(|t| arb_value(t, opts, depth)).collect();
            items.prop_map(Value::List).boxed()
        }
        Type::Dynamic => {
            let concrete = if depth == 0 {
                prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool)].boxed()
            } else {
                arb_type(depth.min(2))
            };
            concrete
                .prop_flat_map(move |t| {
                    arb_value(&t, opts, depth.saturating_sub(1))
                        .prop_map(move |v| Value::Dynamic(t.clone(), Box::new(v)))
                })
                .boxed()
        }
    };
    let mut choices = vec![(1, Just(Value::Null).boxed()), (8, known)];
    if opts.unknowns {
        choices.push((1, Just(Value::Unknown).boxed()));
    }
    Union::new_weighted(choices).boxed()
}

fn typed_value(opts: Opts) -> impl Strategy<Value = (Type, Value)> {
    arb_type(3).prop_flat_map(move |t| {
        let v = arb_value(&t, opts, 2);
        (Just(t), v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn msgpack_round_trips((ty, v) in typed_value(MSGPACK)) {
        let bytes = msgpack::encode(&ty, &v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = msgpack::decode(&ty, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &v);
        // The encoding is canonical: re-encoding the decoded value gives the same bytes.
        let again = msgpack::encode(&ty, &back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn json_round_trips((ty, v) in typed_value(JSON)) {
        let bytes = json::encode(&ty, &v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = json::decode(&ty, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &v);
        let lenient = json::decode_lenient(&ty, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&lenient, &v);
        let again = json::encode(&ty, &back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn msgpack_and_json_agree((ty, v) in typed_value(JSON)) {
        let via_msgpack = msgpack::decode(&ty, &msgpack::encode(&ty, &v).map_err(|e| TestCaseError::fail(e.to_string()))?)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let via_json = json::decode(&ty, &json::encode(&ty, &via_msgpack).map_err(|e| TestCaseError::fail(e.to_string()))?)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(via_json, v);
    }

    #[test]
    fn set_order_does_not_matter((ty, v) in typed_value(MSGPACK), seed in any::<u64>()) {
        let shuffled = shuffle_sets(&v, seed);
        prop_assert_eq!(&shuffled, &v);
        let bytes = msgpack::encode(&ty, &shuffled).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(msgpack::decode(&ty, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?, v);
    }

    #[test]
    fn msgpack_decode_never_panics(ty in arb_type(3), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = msgpack::decode(&ty, &bytes);
    }

    #[test]
    fn json_decode_never_panics(ty in arb_type(3), text in "[\\[\\]{}\",:0-9a-z.eE+ -]{0,48}") {
        let _ = json::decode(&ty, text.as_bytes());
        let _ = json::decode_lenient(&ty, text.as_bytes());
    }
}

/// `v` with every set's elements rotated by a seed-dependent amount (recursively).
fn shuffle_sets(v: &Value, seed: u64) -> Value {
    match v {
        Value::Set(items) => {
            let mut out: Vec<Value> = items.iter().map(|x| shuffle_sets(x, seed)).collect();
            if !out.is_empty() {
                let by = usize::try_from(seed % out.len() as u64).unwrap_or(0);
                out.rotate_left(by);
                if seed & 1 == 1 {
                    out.reverse();
                }
            }
            Value::Set(out)
        }
        Value::List(items) => Value::List(items.iter().map(|x| shuffle_sets(x, seed)).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), shuffle_sets(x, seed)))
                .collect(),
        ),
        Value::Dynamic(t, inner) => Value::Dynamic(t.clone(), Box::new(shuffle_sets(inner, seed))),
        other => other.clone(),
    }
}
