# A CI job that may issue from one intermediate CA and nothing else.
#
# The main account (provider "pca", keys from the environment: PCA_ENDPOINT,
# NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY) builds the PKI and grants the CI sub account the
# use of the issuing CA with pca_ca_user. The CI job's provider (provider "pca" alias "ci",
# the sub account's own key pair) can then issue from that CA; the root stays out of its
# reach (401, gateway error 210, "Permission Denied"), and Get CA List shows it only the
# issuing CA. Set grant = false and apply: the certificate is revoked and the grant removed,
# after which the sub account cannot use the issuing CA either.
#
# Try it locally:
#   pca-emulator --sub-account CIACCESSKEY0000001:CISECRETKEY000000000000000000000000001:6e4c1234-5678-90ab-cdef-1234567a9baa
#   terraform apply -var ci_access_key=CIACCESSKEY0000001 \
#     -var ci_secret_key=CISECRETKEY000000000000000000000000001 \
#     -var ci_id_no=6e4c1234-5678-90ab-cdef-1234567a9baa

terraform {
  required_providers {
    pca = {
      source = "ncloud-community/pca"
    }
  }
}

variable "ci_access_key" {
  type        = string
  description = "The CI sub account's access key."
}

variable "ci_secret_key" {
  type        = string
  sensitive   = true
  description = "The CI sub account's secret key."
}

variable "ci_id_no" {
  type        = string
  description = "The CI sub account's ID (idNo, 36 characters)."
}

variable "grant" {
  type        = bool
  default     = true
  description = "Whether the CI sub account may use the issuing CA."
}

# The main account.
provider "pca" {}

# The CI job: the sub account's own key pair (the endpoint comes from PCA_ENDPOINT too).
provider "pca" {
  alias      = "ci"
  access_key = var.ci_access_key
  secret_key = var.ci_secret_key
}

resource "pca_ca" "root" {
  alias    = "ci-demo-root"
  ca_type  = "PRIVATE_ROOT"
  key_type = "EC256"
  subject = {
    common_name  = "CI Demo Root CA"
    organization = "Example"
  }
}

resource "pca_ca" "issuing" {
  alias         = "ci-demo-issuing"
  ca_type       = "PRIVATE_SUB"
  issuer_ca_tag = pca_ca.root.ca_tag
  key_type      = "EC256"
  subject = {
    common_name  = "CI Demo Issuing CA"
    organization = "Example"
  }
}

# The grant: the CI sub account may use the issuing CA (Add CA User); destroying it takes
# the right away again (Delete CA User).
resource "pca_ca_user" "ci" {
  count  = var.grant ? 1 : 0
  ca_tag = pca_ca.issuing.ca_tag
  id_no  = var.ci_id_no
}

# Issued by the CI job, with its own key pair.
resource "pca_end_cert" "build" {
  count    = var.grant ? 1 : 0
  provider = pca.ci
  ca_tag   = pca_ca.issuing.ca_tag
  key_type = "EC256"
  subject = {
    common_name = "build.ci.example"
  }

  depends_on = [pca_ca_user.ci]
}

# What the CI job sees: only the CAs it was granted.
data "pca_cas" "visible_to_ci" {
  provider   = pca.ci
  depends_on = [pca_ca_user.ci]
}

output "root_ca_tag" {
  value = pca_ca.root.ca_tag
}

output "issuing_ca_tag" {
  value = pca_ca.issuing.ca_tag
}

output "ci_visible_aliases" {
  value = [for ca in data.pca_cas.visible_to_ci.cas : ca.alias]
}

output "ci_certificate_pem" {
  value = one(pca_end_cert.build[*].certificate_pem)
}
