data "pca_ca_crl" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "crl_next_update" {
  value = data.pca_ca_crl.issuing.next_update
}

output "revoked_count" {
  value = length(data.pca_ca_crl.issuing.revoked_serials)
}
