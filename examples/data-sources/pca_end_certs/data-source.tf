data "pca_end_certs" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

# Details of every certificate the CA has issued.
data "pca_end_cert" "all" {
  for_each      = toset(data.pca_end_certs.issuing.serial_numbers)
  ca_tag        = pca_ca.issuing.ca_tag
  serial_number = each.value
}

output "certificates" {
  value = { for s, c in data.pca_end_cert.all : c.common_name => c.not_after... }
}
