# A CA managed elsewhere, by alias (or set ca_tag instead).
data "pca_ca" "issuing" {
  alias = "corp-issuing"
}

resource "pca_end_cert" "web" {
  ca_tag = data.pca_ca.issuing.ca_tag
  subject = {
    common_name = "web.corp.example"
  }
}

output "issuing_ca_expires" {
  value = data.pca_ca.issuing.not_after
}
