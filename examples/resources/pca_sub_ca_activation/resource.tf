# An intermediate CA created without issuer (PENDING), signed through its CSR, and activated.
# The signer here is a root CA of the account (pca_sub_ca_cert); any CA works the same way,
# for example an offline root with hashicorp/tls's tls_locally_signed_cert.
resource "pca_ca" "offline_root" {
  alias    = "corp-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Corp Root CA"
  }
}

resource "pca_ca" "external" {
  alias    = "corp-external"
  ca_type  = "PRIVATE_SUB"
  key_type = "EC256"
  subject = {
    common_name  = "Corp External-Flow CA"
    country      = "KR"
    organization = "Corp"
  }
}

resource "pca_sub_ca_cert" "external" {
  ca_tag        = pca_ca.offline_root.ca_tag
  csr_pem       = pca_ca.external.csr_pem
  validity_days = 1825
}

resource "pca_sub_ca_activation" "external" {
  ca_tag          = pca_ca.external.ca_tag
  certificate_pem = pca_sub_ca_cert.external.certificate_pem
  chain_pem       = pca_sub_ca_cert.external.chain_pem
}
