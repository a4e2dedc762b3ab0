# A root CA and an intermediate signed by it at creation.
resource "pca_ca" "root" {
  alias    = "corp-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "Corp Root CA"
    country      = "KR"
    organization = "Corp"
  }
  memo                = "root of the internal PKI"
  deletion_protection = true
}

resource "pca_ca" "issuing" {
  alias         = "corp-issuing"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 1825
  subject = {
    common_name  = "Corp Issuing CA"
    country      = "KR"
    organization = "Corp"
  }
}
