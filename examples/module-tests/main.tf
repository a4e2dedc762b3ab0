# A module to test: a root CA, an issuing CA under it, and one server certificate for the
# given host names. Its tests are in tests/: emulator.tftest.hcl applies it against
# pca-emulator; mock.tftest.hcl runs it with a mocked provider (no API at all).
#
#   pca-emulator &                      # http://127.0.0.1:8700
#   export PCA_ENDPOINT=http://127.0.0.1:8700
#   export NCLOUD_ACCESS_KEY=PCAEMUACCESSKEY00001 NCLOUD_SECRET_KEY=PCAEMUSECRETKEY0000000000000000000000001
#   terraform init && terraform test    # Terraform 1.7 or later

terraform {
  required_providers {
    pca = {
      source = "ncloud-community/pca"
    }
  }
}

variable "name" {
  type        = string
  description = "Prefix of the CA aliases."
}

variable "hosts" {
  type        = list(string)
  description = "Host names of the server certificate; the first is its common name."

  validation {
    condition     = length(var.hosts) > 0
    error_message = "At least one host name is needed."
  }
}

resource "pca_ca" "root" {
  alias    = "${var.name}-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "${var.name} Root CA"
    organization = "Example"
  }
}

resource "pca_ca" "issuing" {
  alias         = "${var.name}-issuing"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  subject = {
    common_name  = "${var.name} Issuing CA"
    organization = "Example"
  }
}

resource "pca_end_cert" "server" {
  ca_tag        = pca_ca.issuing.ca_tag
  key_type      = "EC256"
  validity_days = 30
  subject = {
    common_name = var.hosts[0]
  }
  alt_names = var.hosts
}

output "issuing_ca_tag" {
  value = pca_ca.issuing.ca_tag
}

output "server_certificate_pem" {
  value = pca_end_cert.server.certificate_pem
}

output "server_fullchain_pem" {
  value = "${pca_end_cert.server.certificate_pem}${pca_ca.issuing.chain_pem}"
}
