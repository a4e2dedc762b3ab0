# The CA generates the key (kept in state as the sensitive private_key_pem).
resource "pca_end_cert" "web" {
  ca_tag        = pca_ca.issuing.ca_tag
  key_type      = "EC256"
  validity_days = 90
  subject = {
    common_name = "web.corp.example"
  }
  alt_names           = ["web.corp.example", "www.corp.example"]
  ip_addresses        = ["10.0.0.10"]
  early_renewal_hours = 720
}

# The CA signs your CSR: the private key never reaches Terraform.
resource "pca_end_cert" "api" {
  ca_tag  = pca_ca.issuing.ca_tag
  csr_pem = file("api.csr.pem")
}

# The issuing chain lives on the CA, once, not in every certificate's state: build a
# full chain (leaf first, root last) from the certificate and its issuing CA.
output "web_fullchain_pem" {
  value = "${pca_end_cert.web.certificate_pem}${pca_ca.issuing.chain_pem}"
}

# The same from a CA managed elsewhere (only its ca_tag is known here).
data "pca_ca_chain" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "web_fullchain_from_data_pem" {
  value = "${pca_end_cert.web.certificate_pem}${data.pca_ca_chain.issuing.chain_pem}"
}

# Or keep the chain (issuing CA first) in this certificate's own state.
resource "pca_end_cert" "legacy" {
  ca_tag        = pca_ca.issuing.ca_tag
  key_type      = "EC256"
  include_chain = true
  subject = {
    common_name = "legacy.corp.example"
  }
}

# A SPIFFE workload identity for mutual TLS in a service mesh: the SPIFFE ID in a URI SAN,
# and a certificate for client authentication only.
resource "pca_end_cert" "workload" {
  ca_tag              = pca_ca.issuing.ca_tag
  key_type            = "EC256"
  validity_days       = 7
  subject             = { common_name = "api.prod" }
  uri_sans            = ["spiffe://corp.example/ns/prod/sa/api"]
  extended_key_usages = ["client_auth"]
  early_renewal_hours = 48
}

# A Windows smart-card logon certificate: the user principal name (UPN) as an other-name
# SAN (OID 1.3.6.1.4.1.311.20.2.3), signature only, client authentication.
resource "pca_end_cert" "smartcard" {
  ca_tag   = pca_ca.issuing.ca_tag
  key_type = "RSA2048"
  subject = {
    common_name = "Alice Kim"
    postal_code = "13561"
  }
  other_names = [{
    oid   = "1.3.6.1.4.1.311.20.2.3"
    value = "alice@corp.example"
  }]
  key_usages          = ["digital_signature", "key_encipherment"]
  extended_key_usages = ["client_auth"]
}

# Keys that never touch state (Terraform 1.11+): the provider makes the key and its CSR in
# memory (ephemeral pca_key_pair), the CA signs the CSR through the write-only csr_pem_wo,
# and the private key goes straight to a secret store through that store's own write-only
# argument. State and plan files hold the certificate, never the key or the CSR.
ephemeral "pca_key_pair" "db" {
  key_type = "EC256"
  subject = {
    common_name = "db.corp.example"
  }
  alt_names = ["db.corp.example"]
}

resource "pca_end_cert" "db" {
  ca_tag             = pca_ca.issuing.ca_tag
  csr_pem_wo         = ephemeral.pca_key_pair.db.csr_pem
  csr_pem_wo_version = 1 # bump to re-issue, with a new key, at the next apply
  validity_days      = 90
}

# The key's destination, for example AWS Secrets Manager (hashicorp/aws 5.x, whose
# secret_string_wo is write-only too); written at the same apply that signs the CSR:
#
# resource "aws_secretsmanager_secret_version" "db_key" {
#   secret_id                = aws_secretsmanager_secret.db_key.id
#   secret_string_wo         = ephemeral.pca_key_pair.db.private_key_pem
#   secret_string_wo_version = pca_end_cert.db.csr_pem_wo_version
# }
#
# See examples/write-only-csr for the whole configuration.
