# Publish a new CRL every 7 days (destroy goes back to the API default, 3 days).
resource "pca_crl_config" "issuing" {
  ca_tag      = pca_ca.issuing.ca_tag
  expiry_days = 7
}
