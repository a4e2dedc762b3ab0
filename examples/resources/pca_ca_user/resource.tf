# Let a sub account use the issuing CA.
resource "pca_ca_user" "deployer" {
  ca_tag = pca_ca.issuing.ca_tag
  id_no  = "6e4c1234-5678-90ab-cdef-1234567a9baa"
}

output "deployer_login" {
  value = pca_ca_user.deployer.login_id
}
