variable "certificate_pem" {
  type        = string
  description = "A PEM certificate, for example pca_end_cert.web.certificate_pem."
}

locals {
  cert = provider::pca::parse_certificate(var.certificate_pem)
}

output "certificate" {
  value = {
    common_name = local.cert.subject.common_name
    issuer      = local.cert.issuer.common_name
    serial      = local.cert.serial_number
    expires     = local.cert.not_after
    dns_names   = local.cert.dns_names
    fingerprint = local.cert.sha256_fingerprint
  }
}

# Fail the plan when the certificate expires within 30 days.
resource "terraform_data" "expiry_guard" {
  input = local.cert.serial_number
  lifecycle {
    precondition {
      condition     = timecmp(local.cert.not_after, timeadd(plantimestamp(), "720h")) > 0
      error_message = "The certificate ${local.cert.serial_number} expires at ${local.cert.not_after}."
    }
  }
}
