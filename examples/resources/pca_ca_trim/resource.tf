# Remove expired certificates from the CA's list and CRL once a month
# (the trigger changes when the month does; plantimestamp needs Terraform 1.5+).
resource "pca_ca_trim" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
  triggers = {
    month = formatdate("YYYY-MM", plantimestamp())
  }
}
