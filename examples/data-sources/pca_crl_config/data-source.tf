data "pca_crl_config" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "crl_renewal_days" {
  value = data.pca_crl_config.issuing.expiry_days
}
