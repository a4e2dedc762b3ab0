//! The msgpack value decoder: the first byte picks a type, the rest is the input. Whatever
//! decodes must re-encode and decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pca::protocol::value::{Type, msgpack};

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
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let ty = pick_type(first);
    if let Ok(v) = msgpack::decode(&ty, rest) {
        let again = msgpack::encode(&ty, &v).expect("a decoded value encodes");
        assert_eq!(msgpack::decode(&ty, &again).expect("and decodes"), v);
    }
});
