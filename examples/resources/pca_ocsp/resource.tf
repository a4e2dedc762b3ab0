# The service's own responder (<API host>/ext/<ca_tag>/ocsp).
resource "pca_ocsp" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

# Certificates issued after the OCSP configuration name the responder.
resource "pca_end_cert" "web" {
  ca_tag = pca_ca.issuing.ca_tag
  subject = {
    common_name = "web.corp.example"
  }
  depends_on = [pca_ocsp.issuing]
}

# Or a responder of your own.
resource "pca_ocsp" "root" {
  ca_tag   = pca_ca.root.ca_tag
  ocsp_url = "http://ocsp.corp.example/root"
}
