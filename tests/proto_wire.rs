//! Wire-level checks of `proto/tfplugin6.proto`: the field numbers that are easy to get wrong
//! (because they differ from protocol 5, are out of order, or were added late) are asserted by
//! encoding messages with prost and reading the tags back from the bytes.

use pca::protocol::proto::tfplugin6 as tf;
use prost::Message;

const VARINT: u8 = 0;
const LEN: u8 = 2;

/// Reads a base-128 varint starting at `*pos`.
fn read_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = buf[*pos];
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return value;
        }
        shift += 7;
    }
}

/// Lists the top-level `(field number, wire type)` pairs of an encoded message, in order.
fn top_level_tags(buf: &[u8]) -> Vec<(u32, u8)> {
    let mut tags = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let key = read_varint(buf, &mut pos);
        let field = u32::try_from(key >> 3).expect("field number fits in u32");
        let wire_type = (key & 0x7) as u8;
        match wire_type {
            VARINT => {
                read_varint(buf, &mut pos);
            }
            LEN => {
                let len = usize::try_from(read_varint(buf, &mut pos)).expect("length fits");
                pos += len;
            }
            1 => pos += 8,
            5 => pos += 4,
            other => panic!("unexpected wire type {other}"),
        }
        tags.push((field, wire_type));
    }
    assert_eq!(pos, buf.len(), "message ended mid-field");
    tags
}

fn error_diagnostic() -> tf::Diagnostic {
    tf::Diagnostic {
        severity: tf::diagnostic::Severity::Error as i32,
        summary: "boom".into(),
        ..Default::default()
    }
}

#[test]
fn validate_provider_config_response_diagnostics_is_field_2() {
    let msg = tf::validate_provider_config::Response {
        diagnostics: vec![tf::Diagnostic::default()],
    };
    // Field 2, length-delimited, empty embedded message.
    assert_eq!(msg.encode_to_vec(), vec![0x12, 0x00]);

    // And the other direction: a diagnostic with severity ERROR under field 2.
    let decoded = tf::validate_provider_config::Response::decode(&[0x12, 0x02, 0x08, 0x01][..])
        .expect("decodes");
    assert_eq!(decoded.diagnostics.len(), 1);
    assert_eq!(
        decoded.diagnostics[0].severity(),
        tf::diagnostic::Severity::Error
    );
}

#[test]
fn apply_resource_change_response_private_2_diagnostics_3() {
    let msg = tf::apply_resource_change::Response {
        new_state: Some(tf::DynamicValue::default()),
        private: vec![0xAB],
        diagnostics: vec![error_diagnostic()],
        legacy_type_system: true,
        new_identity: Some(tf::ResourceIdentityData::default()),
    };
    assert_eq!(
        top_level_tags(&msg.encode_to_vec()),
        vec![(1, LEN), (2, LEN), (3, LEN), (4, VARINT), (5, LEN)]
    );
    // The private bytes sit right after the (empty) new_state under tag 0x12.
    assert_eq!(&msg.encode_to_vec()[..5], &[0x0a, 0x00, 0x12, 0x01, 0xAB]);
}

#[test]
fn plan_resource_change_response_field_numbers() {
    let msg = tf::plan_resource_change::Response {
        planned_state: Some(tf::DynamicValue::default()),
        requires_replace: vec![tf::AttributePath::default()],
        planned_private: vec![1],
        diagnostics: vec![error_diagnostic()],
        legacy_type_system: false,
        deferred: Some(tf::Deferred {
            reason: tf::deferred::Reason::ResourceConfigUnknown as i32,
        }),
        planned_identity: Some(tf::ResourceIdentityData::default()),
    };
    assert_eq!(
        top_level_tags(&msg.encode_to_vec()),
        vec![(1, LEN), (2, LEN), (3, LEN), (4, LEN), (6, LEN), (7, LEN)]
    );

    let only_diags = tf::plan_resource_change::Response {
        diagnostics: vec![tf::Diagnostic::default()],
        ..Default::default()
    };
    assert_eq!(only_diags.encode_to_vec(), vec![0x22, 0x00]);
}

#[test]
fn schema_attribute_nested_type_is_10_and_late_fields() {
    let attr = tf::schema::Attribute {
        nested_type: Some(tf::schema::Object::default()),
        ..Default::default()
    };
    // (10 << 3) | 2 = 0x52
    assert_eq!(attr.encode_to_vec(), vec![0x52, 0x00]);

    let attr = tf::schema::Attribute {
        write_only: true,
        deprecation_message: "x".into(),
        ..Default::default()
    };
    assert_eq!(
        top_level_tags(&attr.encode_to_vec()),
        vec![(11, VARINT), (12, LEN)]
    );

    let block = tf::schema::Block {
        deprecated: true,
        deprecation_message: "x".into(),
        ..Default::default()
    };
    assert_eq!(
        top_level_tags(&block.encode_to_vec()),
        vec![(6, VARINT), (7, LEN)]
    );

    // Schema.Object skips field 2: nesting is 3.
    let obj = tf::schema::Object {
        nesting: tf::schema::object::NestingMode::List as i32,
        ..Default::default()
    };
    assert_eq!(obj.encode_to_vec(), vec![0x18, 0x02]);
}

#[test]
fn stop_provider_response_error_is_field_1() {
    let msg = tf::stop_provider::Response { error: "x".into() };
    assert_eq!(msg.encode_to_vec(), vec![0x0a, 0x01, b'x']);
}

#[test]
fn get_provider_schema_response_field_numbers() {
    let msg = tf::get_provider_schema::Response {
        server_capabilities: Some(tf::ServerCapabilities::default()),
        ..Default::default()
    };
    assert_eq!(msg.encode_to_vec(), vec![0x32, 0x00]);

    let schema = || tf::Schema::default();
    let msg = tf::get_provider_schema::Response {
        provider: Some(schema()),
        resource_schemas: [("a".to_owned(), schema())].into(),
        data_source_schemas: [("b".to_owned(), schema())].into(),
        diagnostics: vec![tf::Diagnostic::default()],
        provider_meta: Some(schema()),
        server_capabilities: Some(tf::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: true,
            generate_resource_config: true,
        }),
        functions: [("f".to_owned(), tf::Function::default())].into(),
        ephemeral_resource_schemas: [("e".to_owned(), schema())].into(),
        list_resource_schemas: [("l".to_owned(), schema())].into(),
        state_store_schemas: [("s".to_owned(), schema())].into(),
        action_schemas: [("x".to_owned(), tf::ActionSchema::default())].into(),
    };
    let mut fields: Vec<u32> = top_level_tags(&msg.encode_to_vec())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, (1..=11).collect::<Vec<_>>());

    let caps = tf::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: true,
        generate_resource_config: true,
    };
    assert_eq!(
        caps.encode_to_vec(),
        vec![0x08, 0x01, 0x10, 0x01, 0x18, 0x01, 0x20, 0x01]
    );
}

#[test]
fn state_store_chunk_messages() {
    let chunk = tf::write_state_bytes::RequestChunk {
        meta: Some(tf::RequestChunkMeta {
            type_name: "t".into(),
            state_id: "s".into(),
        }),
        bytes: vec![1, 2],
        total_length: 2,
        range: Some(tf::StateRange { start: 0, end: 1 }),
    };
    assert_eq!(
        top_level_tags(&chunk.encode_to_vec()),
        vec![(1, LEN), (2, LEN), (3, VARINT), (4, LEN)]
    );

    let resp = tf::read_state_bytes::Response {
        bytes: vec![1],
        total_length: 1,
        range: Some(tf::StateRange::default()),
        diagnostics: vec![tf::Diagnostic::default()],
    };
    assert_eq!(
        top_level_tags(&resp.encode_to_vec()),
        vec![(1, LEN), (2, VARINT), (3, LEN), (4, LEN)]
    );

    let lock = tf::lock_state::Response {
        lock_id: "l".into(),
        diagnostics: vec![tf::Diagnostic::default()],
    };
    assert_eq!(
        top_level_tags(&lock.encode_to_vec()),
        vec![(1, LEN), (2, LEN)]
    );
}

#[test]
fn ephemeral_and_list_and_action_messages() {
    let open = tf::open_ephemeral_resource::Response {
        diagnostics: vec![tf::Diagnostic::default()],
        renew_at: Some(prost_types::Timestamp::default()),
        result: Some(tf::DynamicValue::default()),
        // proto3 `optional`: an empty value is still sent when present.
        private: Some(Vec::new()),
        deferred: Some(tf::Deferred::default()),
    };
    assert_eq!(
        top_level_tags(&open.encode_to_vec()),
        vec![(1, LEN), (2, LEN), (3, LEN), (4, LEN), (5, LEN)]
    );

    let event = tf::list_resource::Event {
        identity: Some(tf::ResourceIdentityData::default()),
        display_name: "d".into(),
        resource_object: Some(tf::DynamicValue::default()),
        diagnostic: vec![tf::Diagnostic::default()],
    };
    assert_eq!(
        top_level_tags(&event.encode_to_vec()),
        vec![(1, LEN), (2, LEN), (3, LEN), (4, LEN)]
    );

    let completed = tf::invoke_action::Event {
        r#type: Some(tf::invoke_action::event::Type::Completed(
            tf::invoke_action::event::Completed::default(),
        )),
    };
    assert_eq!(completed.encode_to_vec(), vec![0x12, 0x00]);
}

#[test]
fn attribute_path_steps_and_diagnostic() {
    use tf::attribute_path::step::Selector;
    let path = tf::AttributePath {
        steps: vec![tf::attribute_path::Step {
            selector: Some(Selector::ElementKeyInt(3)),
        }],
    };
    // steps (1) -> Step { element_key_int (3) = 3 }
    assert_eq!(path.encode_to_vec(), vec![0x0a, 0x02, 0x18, 0x03]);

    let diag = tf::Diagnostic {
        attribute: Some(tf::AttributePath::default()),
        ..error_diagnostic()
    };
    assert_eq!(
        top_level_tags(&diag.encode_to_vec()),
        vec![(1, VARINT), (2, LEN), (4, LEN)]
    );
}

#[test]
fn service_name_matches_grpc_paths() {
    assert_eq!(
        tf::provider_server::SERVICE_NAME,
        "tfplugin6.Provider",
        "RPC paths are /tfplugin6.Provider/<Rpc>"
    );
}
