# The root CA of the account.
resource "pca_ca" "root" {
  alias    = "corp-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name = "Corp Root CA"
  }
}

# An intermediate CA waiting for its certificate (no issuer_ca_tag): it exposes csr_pem.
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

# The root CA of the account signs the intermediate's CSR...
resource "pca_sub_ca_cert" "issuing" {
  ca_tag        = pca_ca.root.ca_tag
  csr_pem       = pca_ca.issuing.csr_pem
  validity_days = 1825
}

# ...and the signed certificate activates the intermediate, all in one apply.
resource "pca_sub_ca_activation" "issuing" {
  ca_tag          = pca_ca.issuing.ca_tag
  certificate_pem = pca_sub_ca_cert.issuing.certificate_pem
  chain_pem       = pca_sub_ca_cert.issuing.chain_pem
}
