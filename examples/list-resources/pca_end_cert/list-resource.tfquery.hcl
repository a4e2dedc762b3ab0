# Terraform 1.14 and later, in a file ending in .tfquery.hcl:
#   terraform query -generate-config-out=certs.tf
# writes a pca_end_cert block and an import block (by identity) for every
# certificate of the CA that is not revoked.
list "pca_end_cert" "issued" {
  provider = pca
  config {
    ca_tag = "1a2b3c4d-5e6f7a8b"
  }
}
