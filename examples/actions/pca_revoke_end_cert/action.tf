variable "compromised_serial" {
  type        = string
  description = "The serial number of the certificate to revoke, for example 3a:1f:00:9c."
  default     = "3a:1f:00:9c"
}

# Terraform 1.14 and later. Revoke a certificate at once, then publish the CRL:
#   terraform apply -var compromised_serial=3a:1f:... \
#     -invoke=action.pca_revoke_end_cert.compromised -invoke=action.pca_rotate_crl.issuing
action "pca_revoke_end_cert" "compromised" {
  config {
    ca_tag        = pca_ca.issuing.ca_tag
    serial_number = var.compromised_serial
  }
}

action "pca_rotate_crl" "issuing" {
  config {
    ca_tag = pca_ca.issuing.ca_tag
  }
}
