# Terraform 1.14 and later, in a file ending in .tfquery.hcl:
#   terraform query                                   # shows every CA
#   terraform query -generate-config-out=cas.tf       # pca_ca and import blocks for them
list "pca_ca" "all" {
  provider = pca
}

list "pca_ca" "roots" {
  provider = pca
  config {
    ca_type = "PRIVATE_ROOT"
  }
}
