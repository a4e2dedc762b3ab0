data "pca_ca_crl" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "crl_next_update" {
  value = data.pca_ca_crl.issuing.next_update
}

output "web_is_revoked" {
  value = contains(data.pca_ca_crl.issuing.revoked_serials, pca_end_cert.web.serial_number)
}
