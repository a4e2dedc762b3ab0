# An intermediate CA signed by a CA outside NCP (here hashicorp/tls; any CA works).
resource "pca_ca" "issuing" {
  alias         = "corp-issuing"
  ca_type       = "PRIVATE_SUB"
  key_type      = "EC256"
  validity_days = 1825
  subject = {
    common_name  = "Corp Issuing CA"
    country      = "KR"
    organization = "Corp"
  }
}

resource "tls_locally_signed_cert" "issuing" {
  cert_request_pem      = pca_ca.issuing.csr_pem
  ca_private_key_pem    = file("offline-root.key.pem")
  ca_cert_pem           = file("offline-root.pem")
  is_ca_certificate     = true
  validity_period_hours = 1825 * 24
  allowed_uses          = ["cert_signing", "crl_signing", "digital_signature"]
}

resource "pca_sub_ca_activation" "issuing" {
  ca_tag          = pca_ca.issuing.ca_tag
  certificate_pem = tls_locally_signed_cert.issuing.cert_pem
  chain_pem       = file("offline-root.pem")
}
