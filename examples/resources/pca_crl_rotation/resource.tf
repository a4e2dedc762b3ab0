# Publish a fresh CRL whenever a certificate managed here is replaced: the old
# one is revoked on destroy, and the new CRL lists it at once.
resource "pca_crl_rotation" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
  triggers = {
    certificates = join(",", [pca_end_cert.web.serial_number, pca_end_cert.api.serial_number])
  }
}
