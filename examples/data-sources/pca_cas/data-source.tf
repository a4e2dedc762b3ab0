# Every active intermediate CA of the account.
data "pca_cas" "active_subs" {
  ca_type = "PRIVATE_SUB"
  status  = "ACTIVE"
}

output "active_sub_cas" {
  value = { for ca in data.pca_cas.active_subs.cas : ca.alias => ca.not_after }
}
