# The quickstart: a private PKI on Private CA (or the local pca-emulator).
#
# The provider block is empty: the endpoint and credentials come from the environment
# (PCA_ENDPOINT, NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY), which scripts/quickstart sets.

terraform {
  required_providers {
    pca = {
      source = "ncloud-community/pca"
    }
  }
}

provider "pca" {}

# 1. A root CA.
resource "pca_ca" "root" {
  alias    = "qs-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "Quickstart Root CA"
    country      = "KR"
    organization = "Quickstart"
  }
  memo = "quickstart root"
}

# 2. An intermediate signed by the root when it is created.
resource "pca_ca" "issuing" {
  alias         = "qs-issuing"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  validity_days = 1825
  subject = {
    common_name  = "Quickstart Issuing CA"
    country      = "KR"
    organization = "Quickstart"
  }
}

# 3. An intermediate created without issuer (PENDING), signed through its CSR and activated:
#    the flow for a parent CA anywhere, here the root.
resource "pca_ca" "external" {
  alias    = "qs-external"
  ca_type  = "PRIVATE_SUB"
  key_type = "EC256"
  subject = {
    common_name  = "Quickstart External-Flow CA"
    organization = "Quickstart"
  }
}

resource "pca_sub_ca_cert" "external" {
  ca_tag        = pca_ca.root.ca_tag
  csr_pem       = pca_ca.external.csr_pem
  validity_days = 1825
}

resource "pca_sub_ca_activation" "external" {
  ca_tag          = pca_ca.external.ca_tag
  certificate_pem = pca_sub_ca_cert.external.certificate_pem
  chain_pem       = pca_sub_ca_cert.external.chain_pem
}

# 4. OCSP for the issuing CA, and a 7-day CRL interval.
resource "pca_ocsp" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

resource "pca_crl_config" "issuing" {
  ca_tag      = pca_ca.issuing.ca_tag
  expiry_days = 7
}

# 5. A certificate whose key the CA generates...
resource "pca_end_cert" "web" {
  ca_tag        = pca_ca.issuing.ca_tag
  key_type      = "EC256"
  validity_days = 90
  subject = {
    common_name = "web.quickstart.example"
  }
  alt_names    = ["web.quickstart.example"]
  ip_addresses = ["127.0.0.1"]

  depends_on = [pca_ocsp.issuing]
}

# ...and one signed from a CSR (the key stays outside Terraform).
resource "pca_end_cert" "app" {
  ca_tag  = pca_ca.issuing.ca_tag
  csr_pem = file("${path.module}/app.csr.pem")
}

# 6. One more certificate from the external-flow CA, once it is active.
resource "pca_end_cert" "internal" {
  ca_tag   = pca_sub_ca_activation.external.ca_tag
  key_type = "EC256"
  subject = {
    common_name = "internal.quickstart.example"
  }
}

output "root_pem" {
  value = pca_ca.root.certificate_pem
}

output "issuing_pem" {
  value = pca_ca.issuing.certificate_pem
}

output "external_pem" {
  value = pca_sub_ca_cert.external.certificate_pem
}

output "web_pem" {
  value = pca_end_cert.web.certificate_pem
}

output "app_pem" {
  value = pca_end_cert.app.certificate_pem
}

output "internal_pem" {
  value = pca_end_cert.internal.certificate_pem
}
