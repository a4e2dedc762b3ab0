//! The provider-author API: typed models over the dynamic [`Value`](crate::protocol::value::Value)
//! model of the protocol layer.

pub mod typed;
