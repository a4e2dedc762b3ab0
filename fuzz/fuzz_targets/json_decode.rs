//! The JSON value decoder and type JSON: the first byte picks a type, the rest is the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pca::protocol::value::{Type, json};

fn pick_type(b: u8) -> Type {
    let leaf = [Type::String, Type::Number, Type::Bool, Type::Dynamic][usize::from(b & 3)].clone();
    match b >> 2 & 7 {
        0 => leaf,
        1 => Type::list(leaf),
        2 => Type::set(leaf),
        3 => Type::map(leaf),
        4 => Type::object([("a", leaf.clone()), ("b", Type::list(leaf))]),
        5 => Type::Tuple(vec![leaf, Type::Dynamic]),
        6 => Type::list(Type::map(leaf)),
        _ => Type::Dynamic,
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = Type::from_json(data) {
        assert_eq!(
            Type::from_json(&t.to_json()).expect("type JSON round trip"),
            t
        );
    }
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let ty = pick_type(first);
    let _ = json::decode_lenient(&ty, rest);
    if let Ok(v) = json::decode(&ty, rest) {
        let again = json::encode(&ty, &v).expect("a decoded value encodes");
        assert_eq!(json::decode(&ty, &again).expect("and decodes"), v);
    }
});
