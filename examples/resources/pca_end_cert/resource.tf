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
