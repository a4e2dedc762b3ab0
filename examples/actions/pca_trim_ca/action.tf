# Terraform 1.14 and later. Clean up expired certificates when it suits you:
#   terraform apply -invoke=action.pca_trim_ca.issuing
action "pca_trim_ca" "issuing" {
  config {
    ca_tag = pca_ca.issuing.ca_tag
  }
}
