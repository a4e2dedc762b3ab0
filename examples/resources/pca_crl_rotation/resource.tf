resource "pca_end_cert" "web" {
  ca_tag   = pca_ca.issuing.ca_tag
  key_type = "EC256"
  subject = {
    common_name = "web.corp.example"
  }
}

# Publish a fresh CRL whenever the certificate is replaced: the old one is
# revoked on destroy, and the new CRL lists it at once.
resource "pca_crl_rotation" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
  triggers = {
    certificate = pca_end_cert.web.serial_number
  }
}
