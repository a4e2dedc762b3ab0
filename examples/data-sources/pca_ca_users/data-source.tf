data "pca_ca_users" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "issuing_ca_users" {
  value = [for u in data.pca_ca_users.issuing.users : u.login_id]
}
