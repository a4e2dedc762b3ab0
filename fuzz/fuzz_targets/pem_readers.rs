//! Every PEM/DER reader of the provider and the emulator over arbitrary text (the corpus
//! grows from any PEM files put into fuzz/corpus/pem_readers).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pca::framework::Value;
use pca::framework::function::Function;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    use pca::resources::common;
    let _ = common::pem_content(text);
    let _ = common::csr_key_params(text);
    let _ = common::cert_summary(text);
    let _ = common::parse_crl(text);
    let arg = [Value::String(text.to_owned())];
    let _ = pca::functions::parse_csr::ParseCsr.call(&arg);
    let _ = pca::functions::parse_certificate::ParseCertificate.call(&arg);
    let _ = pca::functions::chain_is_ordered::ChainIsOrdered
        .call(&[Value::List(vec![arg[0].clone(), arg[0].clone()])]);
    let _ = pca::emulator::pki::parse_csr(text);
    let _ = pca::emulator::pki::cert_info(text);
    let _ = pca::emulator::pki::pem_to_der(text);
});
